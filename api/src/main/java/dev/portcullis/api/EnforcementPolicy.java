package dev.portcullis.api;

/**
 * Decides what to do about a violation: ignore it, log it, or kill the container tree.
 *
 * <p>The isolator calls {@link #decide(Violation, PolicyContext)} once per scan for each container
 * found violating, with what it remembers of earlier scans. A {@link Verdict#kill kill} verdict
 * stops the violation's root container and every container below it, and raises a {@link
 * ContainerLimitation} on the root — but only when the host enforces; with enforcement off a kill
 * verdict is logged and nothing is killed, whatever the policy says.
 *
 * <p>A policy also hears the allocation lifecycle through the {@code prepared}, {@code updated} and
 * {@code cleanedUp} hooks, which default to doing nothing: a policy that keeps its own state, or
 * acts ahead of scans (for example by installing bind filters), uses them.
 *
 * <p>All calls come from one thread at a time: a policy needs no locking of its own.
 *
 * <p>Found through {@link java.util.ServiceLoader}; see {@link Provider} for the lifecycle.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface EnforcementPolicy extends Provider {

  /**
   * The verdict on a violation seen in the current scan.
   *
   * @param violation what was found; its ports are already cut to the isolator's scope
   * @param context what the isolator remembers of this container's earlier violations
   * @return never null
   */
  Verdict decide(Violation violation, PolicyContext context);

  /**
   * A container was prepared (or recovered with a known allocation).
   *
   * @param container the container prepared
   * @param config what it was prepared with
   */
  default void prepared(ContainerId container, ContainerConfig config) {}

  /**
   * A root container's allocated ports were replaced.
   *
   * @param container the root container
   * @param ports its allocation from now on
   */
  default void updated(ContainerId container, PortRanges ports) {}

  /**
   * A container was cleaned up and will not be seen again.
   *
   * @param container the container cleaned up
   */
  default void cleanedUp(ContainerId container) {}
}
