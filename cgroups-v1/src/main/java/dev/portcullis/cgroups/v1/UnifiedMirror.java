package dev.portcullis.cgroups.v1;

import dev.portcullis.api.ProviderSettings;
import dev.portcullis.linux.CgroupTree;
import dev.portcullis.linux.ContainerCgroups;
import dev.portcullis.linux.Lineage;
import dev.portcullis.linux.UnifiedMount;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The containers' directories in the unified (v2) hierarchy on a hybrid host, where a port guard
 * attaches its bind programs: the same Mesos layout under the cgroup2 mount, read from the same
 * settings as the freezer cgroups. The guard creates a directory; this class only finds one, so
 * that the freezer tracker can move a container's processes into it too, and removes it with its
 * container.
 *
 * <p>Thread-safe: it keeps only where the hierarchy is mounted, and looks for each directory anew,
 * since a guard may create one at any time.
 */
final class UnifiedMirror {

  private final ContainerCgroups unified;

  /**
   * The directories of {@code unified}, which is only ever {@linkplain ContainerCgroups#find looked
   * into}.
   */
  UnifiedMirror(ContainerCgroups unified) {
    this.unified = unified;
  }

  /**
   * The directories the settings describe. No check is given: {@link ContainerCgroups#find} never
   * probes, and a mirror needs nothing of v2 but {@code cgroup.procs}, since killing is the
   * freezer's job and the freezer holds the same processes.
   */
  static UnifiedMirror fromSettings(ProviderSettings settings) {
    return new UnifiedMirror(
        ContainerCgroups.fromSettings(settings, UnifiedMount::new, root -> {}));
  }

  /**
   * The directory that guards the container: its own or, when it has none, its nearest ancestor's
   * (a guard covers a top-level container's whole subtree); empty when none of them has one, or no
   * v2 hierarchy is mounted. For a container of an adopted one, the directories are looked for
   * below the adopted cgroup's path in v2, the adopted one's own included.
   */
  Optional<Path> covering(Lineage lineage) throws IOException {
    for (int depth = lineage.depth(); depth > 0; depth--) {
      Optional<Path> dir = unified.find(lineage.ancestor(depth));
      if (dir.isPresent()) {
        return dir;
      }
    }
    return Optional.empty();
  }

  /**
   * Moves a process into the directory that guards its container, if there is one.
   *
   * @throws IOException naming the directory when the kernel refuses the move
   */
  void place(Lineage lineage, long pid) throws IOException {
    Optional<Path> dir = covering(lineage);
    if (dir.isEmpty()) {
      return;
    }
    try {
      CgroupTree.addProcess(dir.get(), pid);
    } catch (IOException e) {
      throw new IOException(
          "Process "
              + pid
              + " cannot join "
              + dir.get()
              + ", the cgroup v2 directory where its container's port guard applies: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Removes the container's own directory, if it has one, bottom-up within {@code bound}; an
   * ancestor's is left alone, and so is an adopted container's, of which only the {@code mesos}
   * directory below goes.
   *
   * @throws IOException naming the directory and the processes left after the bound
   */
  void remove(Lineage lineage, Duration bound) throws IOException {
    unified.removeFound(lineage, bound);
  }
}
