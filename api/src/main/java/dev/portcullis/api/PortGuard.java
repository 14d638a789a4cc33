package dev.portcullis.api;

import java.io.IOException;
import java.util.Optional;

/**
 * Prevents, in the kernel, what a scan can only detect: a container's {@code bind()} to a port it
 * was not allocated fails at once, even between two scans and while the agent is not running.
 *
 * <p>A guard covers a top-level container's whole cgroup subtree, nested containers included. The
 * isolator {@linkplain #install installs} one when it prepares a container, before the container's
 * first process joins its cgroup (a socket created before that carries no guard), {@linkplain
 * #update updates} it when the allocation changes, {@linkplain #find finds} it again after an agent
 * restart, and {@linkplain #remove removes} it at cleanup. A guard outlives the process that
 * installed it: it stays until it is removed or its cgroup is.
 *
 * <p>The container's cgroup follows the Mesos layout the {@link ProcessTracker}s use, read from the
 * same settings ({@code cgroups_root}, {@code cgroups_hierarchy}). {@link #install} creates it if
 * it does not exist yet; the other methods never create one. A top-level container can instead be
 * {@linkplain #adopt adopted} at a cgroup another engine made (since 0.3), as the tracker adopts
 * it: the guard then acts on that cgroup, and never creates or removes it.
 *
 * <p>Found through {@link java.util.ServiceLoader}; see {@link Provider} for the lifecycle.
 * Implementations must be safe to call from several threads.
 *
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public interface PortGuard extends Provider {

  /**
   * Guards the top-level container's cgroup so that its binds follow {@code allowance}, replacing
   * any guard of this provider already there (so installing twice leaves one guard).
   *
   * @param container the top-level container to guard
   * @param allowance the binds the guard lets through
   * @throws IllegalArgumentException if the container is nested: its root's guard covers it
   * @throws IOException if the guard could not be installed; then none of it is left in place
   */
  void install(ContainerId container, BindAllowance allowance) throws IOException;

  /**
   * Replaces what an installed guard allows. The change is whole for each bind: a {@code bind()}
   * that starts after this method returns sees the new allowance, one under way sees the old or the
   * new one for its port, never a mixture that refuses a port both allow.
   *
   * @param container the guarded top-level container
   * @param allowance the binds the guard lets through from now on
   * @throws IOException if the container has no guard of this provider, or it cannot be changed;
   *     the old allowance then stays in force
   */
  void update(ContainerId container, BindAllowance allowance) throws IOException;

  /**
   * {@return the guard of this provider on the container's cgroup, read back from the host; empty
   * when the cgroup has none or does not exist}
   *
   * @param container the top-level container
   * @throws IOException if the cgroup or its programs cannot be read
   */
  Optional<GuardState> find(ContainerId container) throws IOException;

  /**
   * {@return what the container's guard has refused since it was installed; empty when the
   * container has no guard of this provider or the guard does not count refusals} Called after
   * every scan for every guarded container, so implementations should make it cheap; the default
   * reads the whole guard back with {@link #find}.
   *
   * @param container the guarded top-level container
   * @throws IOException if the guard's counters cannot be read
   */
  default Optional<GuardRefusals> refusals(ContainerId container) throws IOException {
    return find(container).map(GuardState::refusals);
  }

  /**
   * Removes the container's guard. A container without one, or whose cgroup no longer exists, is
   * not an error.
   *
   * @param container the top-level container
   * @throws IOException if a guard is there and cannot be removed
   */
  void remove(ContainerId container) throws IOException;

  /**
   * {@return whether the guard also stops a process that calls {@code listen()} on a TCP socket it
   * never bound, which makes the kernel pick a port without running any bind check} When true, such
   * a listener on a port outside the allowance is stopped (killed) at once; when false, only the
   * next scan catches it.
   */
  default boolean stopsUnboundListeners() {
    return false;
  }

  /**
   * {@return whether this guard can {@linkplain #adopt adopt} a cgroup outside its root} False
   * unless the guard overrides it.
   *
   * @since 0.3
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  default boolean adoptsCgroups() {
    return false;
  }

  /**
   * Binds a top-level container to an existing cgroup outside the root, as {@link
   * ProcessTracker#adopt} does for the tracker, so that {@link #install}, {@link #update}, {@link
   * #find}, {@link #refusals} and {@link #remove} act on that cgroup: its engine's processes are
   * there already, so only their binds from now on are judged. {@link #install} never creates the
   * cgroup, and {@link #remove} detaches the guard and forgets the adoption, leaving the cgroup. An
   * adoption lives in this object only: a restarted agent adopts again before it {@linkplain #find
   * finds} the guard. Adopting the container again at the same cgroup does nothing.
   *
   * @param container a top-level container
   * @param cgroup the cgroup's path from the root of the unified hierarchy, as {@link
   *     ProcessTracker#checkCgroupPath} accepts it, outside {@code cgroups_root}
   * @throws IllegalArgumentException if the container is nested or the path is not one
   * @throws IllegalStateException if the container is adopted at another cgroup, or another
   *     container at this one
   * @throws IOException if the cgroup does not exist
   * @throws UnsupportedOperationException if {@link #adoptsCgroups()} is false, as in this default
   * @since 0.3
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  default void adopt(ContainerId container, String cgroup) throws IOException {
    throw new UnsupportedOperationException(
        "Port guard '"
            + name()
            + "' cannot guard a cgroup outside its cgroups root, such as "
            + cgroup);
  }
}
