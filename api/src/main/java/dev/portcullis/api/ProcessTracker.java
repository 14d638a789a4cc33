package dev.portcullis.api;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Knows which processes belong to a container, and how to start and stop them: a container is a
 * cgroup subtree.
 *
 * <p>The layout is the Mesos one: a top-level container {@code id} is the cgroup {@code
 * <cgroups_root>/<id>}; a nested container {@code parent.child} is {@code <parent's
 * cgroup>/mesos/<child>}, so a container's subtree holds its nested containers. Methods that take a
 * container whose cgroup does not exist say so in their documentation; none of them creates a
 * cgroup implicitly except {@link #create(ContainerId)}.
 *
 * <p>Found through {@link java.util.ServiceLoader}; see {@link Provider} for the lifecycle.
 * Implementations must be safe to call from several threads.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface ProcessTracker extends Provider {

  /**
   * The setting that names the subtree, in each cgroup hierarchy, under which a tracker keeps the
   * containers, as Mesos's {@code --cgroups_root} does. A port guard reads it too, so that it finds
   * the cgroups the tracker makes.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  String CGROUPS_ROOT_SETTING = "cgroups_root";

  /**
   * The value of {@value #CGROUPS_ROOT_SETTING} when none is given: {@value}, named for this
   * project as Mesos's default is named for Mesos.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  String DEFAULT_CGROUPS_ROOT = "portcullis";

  /** {@return whether {@link #cgroupIds(ContainerId)} can answer: true for a cgroup v2 tracker} */
  boolean reportsCgroupIds();

  /**
   * {@return the cgroup v2 ids (directory inode numbers) of the container's cgroup and of every
   * cgroup below it; empty when the tracker does not report ids or the cgroup does not exist}
   *
   * @param container the container whose subtree is read
   * @throws IOException if the subtree cannot be read
   */
  Set<Long> cgroupIds(ContainerId container) throws IOException;

  /**
   * {@return every process in the container's cgroup subtree, nested containers included; empty
   * when the cgroup does not exist}
   *
   * @param container the container whose subtree is read
   * @throws IOException if the subtree cannot be read
   */
  Set<Long> pids(ContainerId container) throws IOException;

  /**
   * {@return whether the container's cgroup exists}
   *
   * @param container the container to look for
   * @throws IOException if the tracker's hierarchy cannot be read
   */
  boolean exists(ContainerId container) throws IOException;

  /**
   * Every container whose cgroup exists under this tracker's root, nested ones included, parsed
   * back from the Mesos layout: {@code <cgroups_root>/<id>} is the top-level container {@code id},
   * and {@code <parent's cgroup>/mesos/<child>} its nested container {@code parent.child}.
   *
   * <p>Directories that do not fit the layout are not containers and are left out, with everything
   * below them: a task's own sub-cgroups (any directory of a container's cgroup other than {@code
   * mesos}), and directories whose names are not valid {@link ContainerId} values (such as a name
   * holding a {@code .}). Cgroups created or removed while the tree is read may or may not be
   * listed; one removed mid-read never fails the call.
   *
   * <p>This is what the host holds, whoever created it: a scan uses it to tell which container owns
   * a socket, and a restarted agent to find orphaned cgroups.
   *
   * @return the containers, in no particular order; empty when the root does not exist; never null
   * @throws IOException if the tree cannot be read, or the tracker's hierarchy is unavailable
   * @since 0.1
   */
  Set<ContainerId> containers() throws IOException;

  /**
   * Creates the container's cgroup. For a nested container the parent's cgroup must exist. Creating
   * one that exists is not an error.
   *
   * @param container the container to create the cgroup of
   * @throws IOException if the cgroup cannot be created
   */
  void create(ContainerId container) throws IOException;

  /**
   * Moves a process into the container's cgroup; its future children follow it.
   *
   * @param container the container to move the process into
   * @param pid the process to move
   * @throws IOException if the cgroup does not exist or the process cannot be moved
   */
  void place(ContainerId container, long pid) throws IOException;

  /**
   * Kills every process in the container's subtree, so that none survives, even one that keeps
   * forking, and returns once they are gone. A missing cgroup is nothing to kill.
   *
   * @param container the container whose subtree is killed
   * @throws IOException if processes remain after the tracker's bounded effort
   */
  void kill(ContainerId container) throws IOException;

  /**
   * Removes the container's cgroup and everything below it, bottom-up, once their processes have
   * exited. A missing cgroup is not an error.
   *
   * @param container the container whose subtree is removed
   * @throws IOException if a cgroup still holds processes after the tracker's bounded wait
   */
  void remove(ContainerId container) throws IOException;

  /**
   * {@return the container's cgroup as a path from its hierarchy's root, starting with {@code /},
   * such as {@code /portcullis/<id>/mesos/<child>}, whether or not it exists; empty when the
   * tracker keeps containers in no path-named cgroup} This is what an OCI runtime is given as the
   * container's {@code linux.cgroupsPath}, so that the runtime's processes land in the cgroup this
   * tracker follows.
   *
   * @param container the container, top-level or nested
   * @throws IOException if the tracker's hierarchy is unavailable
   * @since 0.3
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  default Optional<String> cgroupPath(ContainerId container) throws IOException {
    return Optional.empty();
  }
}
