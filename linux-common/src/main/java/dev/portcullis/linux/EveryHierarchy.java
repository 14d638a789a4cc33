package dev.portcullis.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A container's cgroup path in every mounted cgroup hierarchy, not only the tracker's own: an OCI
 * runtime such as runc makes a container's cgroup, its parents included, in every v1 controller
 * (cpu, memory, pids, ...) as well as the freezer and v2, and removes only the leaf when the
 * container ends, or nothing when it is killed. Removing a container removes its path everywhere,
 * so that no empty directory of it is left in any hierarchy.
 */
final class EveryHierarchy {

  private EveryHierarchy() {}

  /**
   * Removes the subtree at {@code path} in every cgroup hierarchy mounted at its root where it
   * exists, bottom-up, waiting up to {@code bound} in each for its processes to exit.
   *
   * @param path the cgroup's path from the hierarchies' roots, starting with {@code /}
   * @throws IOException naming what could not be removed; every hierarchy is still tried
   */
  static void remove(String path, Duration bound) throws IOException {
    IOException failure = null;
    for (MountTable.Mount mount : MountTable.read().cgroupHierarchies()) {
      Path dir = mount.mountPoint().resolve(path.substring(1));
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try {
        CgroupTree.at(dir).remove(bound);
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
