package dev.portcullis.cgroups.v1;

import dev.portcullis.linux.ContainerCgroups;
import dev.portcullis.linux.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the v1 freezer hierarchy is: the freezer mount in the mount table or, with {@code
 * --cgroups_hierarchy}, {@code <base>/freezer} as Mesos has it, provided the mount table confirms
 * that a freezer hierarchy is mounted exactly there.
 */
final class FreezerHierarchy implements ContainerCgroups.Locator {

  static final String CONTROLLER = "freezer";
  static final String STATE = "freezer.state";

  private final Optional<Path> base;

  /** Finds the freezer mount, or the one at {@code <base>/freezer} when a base is given. */
  FreezerHierarchy(Optional<Path> base) {
    this.base = base;
  }

  @Override
  public Path mountPoint(MountTable mounts) throws IOException {
    if (base.isEmpty()) {
      return mounts
          .cgroup1(CONTROLLER)
          .map(MountTable.Mount::mountPoint)
          .orElseThrow(
              () ->
                  new IOException(
                      "no cgroup v1 freezer hierarchy is mounted (looked in "
                          + MountTable.SELF
                          + ")"));
    }
    Path expected = base.get().resolve(CONTROLLER);
    Optional<MountTable.Mount> there =
        mounts.mounts().stream().filter(m -> m.mountPoint().equals(expected)).reduce((a, b) -> b);
    if (there.isPresent() && isFreezer(there.get())) {
      return expected;
    }
    String found =
        there
            .map(m -> "a " + m.fsType() + " file system is mounted there")
            .orElse("nothing is mounted there");
    throw new IOException(
        "cgroups_hierarchy "
            + base.get()
            + ": "
            + expected
            + " is not a cgroup v1 freezer hierarchy ("
            + found
            + "; looked in "
            + MountTable.SELF
            + ")");
  }

  private static boolean isFreezer(MountTable.Mount mount) {
    return mount.fsType().equals("cgroup") && mount.superOptions().contains(CONTROLLER);
  }

  /** The freezer's own check: only a cgroup of the freezer hierarchy has {@code freezer.state}. */
  static void checkRoot(Path containersRoot) throws IOException {
    if (!Files.isRegularFile(containersRoot.resolve(STATE))) {
      throw new IOException(
          "cgroup " + containersRoot + " has no " + STATE + ": not a freezer cgroup");
    }
  }
}
