package dev.portcullis.api;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Knows which processes belong to a container, and how to start and stop them: a container is a
 * cgroup subtree.
 *
 * <p>The layout is the Mesos one: a top-level container {@code id} is the cgroup {@code
 * <cgroups_root>/<id>}; a nested container {@code parent.child} is {@code <parent's
 * cgroup>/mesos/<child>}, so a container's subtree holds its nested containers. A top-level
 * container can instead be given its cgroup explicitly (since 0.3, by a tracker that {@linkplain
 * #adoptsCgroups() adopts cgroups}): {@link #adopt} binds it to a cgroup another engine made
 * outside {@code <cgroups_root>}, such as a podman container's {@code /libpod_parent/libpod-<id>},
 * and then the container is that cgroup's subtree and its nested containers are {@code <that
 * cgroup>/mesos/<child>}. Methods that take a container whose cgroup does not exist say so in their
 * documentation; none of them creates a cgroup implicitly except {@link #create(ContainerId)}.
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
   * <p>{@linkplain #adopt Adopted} containers are not listed, nor their nested containers: their
   * cgroups lie outside the root, and the caller that adopted them knows them (since 0.3).
   *
   * @return the containers, in no particular order; empty when the root does not exist; never null
   * @throws IOException if the tree cannot be read, or the tracker's hierarchy is unavailable
   * @since 0.1
   */
  Set<ContainerId> containers() throws IOException;

  /**
   * Creates the container's cgroup. For a nested container the parent's cgroup must exist. Creating
   * one that exists is not an error. An {@linkplain #adopt adopted} container's own cgroup is never
   * created: it must still exist.
   *
   * @param container the container to create the cgroup of
   * @throws IOException if the cgroup cannot be created, or the container is adopted and its cgroup
   *     is gone
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
   * <p>An {@linkplain #adopt adopted} container is the exception (since 0.3): its cgroup belongs to
   * the engine that made it and is never removed, nor any cgroup below it but those this tracker
   * made, the {@code mesos} directory that holds its nested containers. Once they are removed the
   * adoption is forgotten, so that the container is no longer adopted; if they cannot be, it stays
   * adopted. Removing a nested container of an adopted one removes that nested container's cgroup
   * as for any other.
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

  /**
   * {@return whether this tracker can {@linkplain #adopt adopt} a cgroup outside its root} A caller
   * that would adopt a container asks first, to refuse it up front on a tracker that cannot follow
   * it. False unless the tracker overrides it, as the Linux trackers do.
   *
   * @since 0.3
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  default boolean adoptsCgroups() {
    return false;
  }

  /**
   * Binds a top-level container to an existing cgroup outside this tracker's root, one that another
   * engine made and runs: a podman container's {@code /libpod_parent/libpod-<id>}, or a Kubernetes
   * pod's cgroup under {@code kubepods}. Nothing is created, moved or launched; from now on the
   * container is that cgroup's subtree for every method that takes it or a container nested in it.
   *
   * <ul>
   *   <li>{@link #pids}, {@link #cgroupIds} and {@link #exists} read the adopted subtree, the
   *       engine's own sub-cgroups included.
   *   <li>{@link #kill} kills every process in it, as for the tracker's own containers, and leaves
   *       the cgroup in place.
   *   <li>{@link #create} of a nested container {@code <container>.<child>} makes {@code
   *       <cgroup>/mesos/<child>}; of the adopted container itself, it only checks that the cgroup
   *       still exists. {@link #place} moves a process into the adopted cgroup or a nested one.
   *   <li>{@link #remove} removes only what the tracker made below the cgroup, never the cgroup
   *       itself, and forgets the adoption.
   *   <li>{@link #containers()} does not list it.
   * </ul>
   *
   * <p>An adoption lasts until the container is removed, and only as long as this tracker object:
   * it is not written anywhere, so a restarted agent adopts again. Adopting the container again at
   * the same cgroup does nothing.
   *
   * <p>The cgroup is looked for in the tracker's own hierarchy: the unified (v2) one for a cgroup
   * v2 tracker, the freezer for a cgroup v1 tracker (on a hybrid host an engine gives a container
   * the same path in both). The subtrees of two adopted containers may overlap, one holding the
   * other; a kill of the outer one then reaches the inner one's processes too.
   *
   * @param container a top-level container
   * @param cgroup the cgroup's path relative to the root of the tracker's hierarchy, as {@code
   *     /proc/<pid>/cgroup} shows it outside any cgroup namespace: as {@link #checkCgroupPath}
   *     accepts it, and neither inside this tracker's {@code <cgroups_root>} (those are its own
   *     containers) nor holding it
   * @throws IllegalArgumentException if {@code container} is nested, or {@code cgroup} is not such
   *     a path; the message says why
   * @throws IllegalStateException if {@code container} is adopted at another cgroup already,
   *     another container is adopted at {@code cgroup}, or the container has a cgroup of the
   *     tracker's own under its root
   * @throws IOException naming the cgroup's directory when it does not exist in the tracker's
   *     hierarchy, or if the hierarchy is unavailable
   * @throws UnsupportedOperationException if the tracker cannot follow a cgroup outside its root:
   *     {@link #adoptsCgroups()} is false, as in this default
   * @since 0.3
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  default void adopt(ContainerId container, String cgroup) throws IOException {
    throw new UnsupportedOperationException(
        "Process tracker '"
            + name()
            + "' cannot follow a cgroup outside its cgroups root, so it cannot adopt "
            + cgroup
            + " for container "
            + container);
  }

  /**
   * {@return the cgroup the container was {@linkplain #adopt adopted} at, as it was given; empty
   * when it is not adopted (never was, or was removed since), and for a nested container, which is
   * never adopted itself}
   *
   * @param container any container
   * @since 0.3
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  default Optional<String> adoptedCgroup(ContainerId container) {
    return Optional.empty();
  }

  /**
   * Checks the form of a cgroup path as {@link #adopt} takes it: relative to the root of a
   * hierarchy and starting with {@code /}, as in {@code /libpod_parent/libpod-abc}; normalized, so
   * with no empty segment (no {@code //}, no trailing {@code /}) and no {@code .} or {@code ..}
   * segment; not {@code /} itself; and with no control character. Whether the cgroup exists is not
   * checked.
   *
   * @param cgroup the path to check
   * @return {@code cgroup}, unchanged
   * @throws IllegalArgumentException naming the path and what is wrong with it
   * @since 0.3
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  static String checkCgroupPath(String cgroup) {
    Objects.requireNonNull(cgroup, "cgroup");
    String why = null;
    if (!cgroup.startsWith("/")) {
      why = "it must start with '/', relative to the root of the hierarchy";
    } else if (cgroup.equals("/")) {
      why = "it is the root of the hierarchy, which holds every process";
    } else if (cgroup.chars().anyMatch(Character::isISOControl)) {
      why = "it may not contain control characters";
    } else {
      for (String segment : cgroup.substring(1).split("/", -1)) {
        if (segment.isEmpty()) {
          why = "it has an empty segment (a '//' or a trailing '/')";
        } else if (segment.equals(".") || segment.equals("..")) {
          why = "it may not contain a '" + segment + "' segment";
        }
        if (why != null) {
          break;
        }
      }
    }
    if (why != null) {
      throw new IllegalArgumentException("Invalid cgroup path '" + cgroup + "': " + why);
    }
    return cgroup;
  }
}
