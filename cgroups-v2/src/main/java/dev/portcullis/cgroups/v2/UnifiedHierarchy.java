package dev.portcullis.cgroups.v2;

import dev.portcullis.linux.ContainerCgroups;
import dev.portcullis.linux.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

/**
 * Where the unified (v2) hierarchy is: the cgroup2 mount in the mount table or, with {@code
 * --cgroups_hierarchy}, the cgroup2 mount at or under that base: the base itself on a pure v2
 * host, {@code <base>/unified} on a hybrid one.
 */
final class UnifiedHierarchy implements ContainerCgroups.Locator {

  static final String FS_TYPE = "cgroup2";
  static final String KILL = "cgroup.kill";
  static final String FREEZE = "cgroup.freeze";
  static final String EVENTS = "cgroup.events";

  private final Optional<Path> base;

  /** Finds the cgroup2 mount, or the one at or under {@code base} when given. */
  UnifiedHierarchy(Optional<Path> base) {
    this.base = base;
  }

  @Override
  public Path mountPoint(MountTable mounts) throws IOException {
    if (base.isEmpty()) {
      return mounts
          .cgroup2()
          .map(MountTable.Mount::mountPoint)
          .orElseThrow(
              () ->
                  new IOException(
                      "no cgroup2 hierarchy is mounted (looked in " + MountTable.SELF + ")"));
    }
    // The shallowest wins: the base itself, then e.g. <base>/unified.
    return mounts.mounts().stream()
        .filter(m -> m.fsType().equals(FS_TYPE) && m.mountPoint().startsWith(base.get()))
        .map(MountTable.Mount::mountPoint)
        .min(Comparator.comparingInt(Path::getNameCount))
        .orElseThrow(
            () ->
                new IOException(
                    "cgroups_hierarchy "
                        + base.get()
                        + ": no cgroup2 hierarchy is mounted at or under it (looked in "
                        + MountTable.SELF
                        + ")"));
  }

  /**
   * The v2 check: killing needs {@code cgroup.kill} (Linux 5.14) or at least {@code
   * cgroup.freeze} (Linux 5.2); without either a forking task could escape a kill.
   */
  static void checkRoot(Path containersRoot) throws IOException {
    if (!Files.exists(containersRoot.resolve(KILL))
        && !Files.exists(containersRoot.resolve(FREEZE))) {
      throw new IOException(
          "cgroup "
              + containersRoot
              + " has neither "
              + KILL
              + " nor "
              + FREEZE
              + ": the kernel is too old to kill a container reliably (needs Linux 5.2)");
    }
  }
}
