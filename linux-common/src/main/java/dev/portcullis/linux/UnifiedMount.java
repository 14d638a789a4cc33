package dev.portcullis.linux;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

/**
 * Where the unified (v2) hierarchy is: the cgroup2 mount in the mount table or, with {@code
 * --cgroups_hierarchy}, the cgroup2 mount at or under that base: the base itself on a pure v2 host,
 * {@code <base>/unified} on a hybrid one. Every provider that works in the v2 hierarchy finds it
 * here.
 */
public final class UnifiedMount implements ContainerCgroups.Locator {

  /** The file system type of the unified hierarchy. */
  public static final String FS_TYPE = "cgroup2";

  private final Optional<Path> base;

  /**
   * Finds the cgroup2 mount, or the one at or under {@code base} when given.
   *
   * @param base the {@code cgroups_hierarchy} base, when one is given; then the shallowest cgroup2
   *     mount at or under it is the hierarchy
   */
  public UnifiedMount(Optional<Path> base) {
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
}
