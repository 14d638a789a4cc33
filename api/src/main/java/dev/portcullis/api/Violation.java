package dev.portcullis.api;

import java.util.List;
import java.util.Set;
import org.immutables.value.Value;

/**
 * A container found listening on ports its root was not allocated.
 *
 * <p>{@link #container()} is the container whose processes hold the offending sockets; {@link
 * #root()} is its top-level ancestor, which owns the allocation and receives the limitation. For a
 * top-level container the two are the same.
 *
 * <p>Every port set here is already cut to the isolator's scope (the isolated range, or every
 * port): {@code unallocated = listening - allocated}, never empty.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
@Value.Immutable
public abstract class Violation {

  /** {@return the container whose processes hold the offending sockets} */
  public abstract ContainerId container();

  /** {@return the root of {@link #container()}: the container that owns the allocation} */
  @Value.Derived
  public ContainerId root() {
    return container().root();
  }

  /** {@return the root's allocated ports} */
  public abstract PortRanges allocated();

  /** {@return every in-scope port the container listens on} */
  public abstract PortRanges listening();

  /** {@return the in-scope ports the container listens on that are not allocated; never empty} */
  @Value.Derived
  public PortRanges unallocated() {
    return listening().minus(allocated());
  }

  /** {@return the sockets on unallocated ports} */
  public abstract List<ListeningSocket> sockets();

  /** {@return the processes known to hold those sockets; empty when they were not looked up} */
  public abstract Set<Long> pids();

  /** {@return {@code Container <id> is listening on unallocated port(s): [b-e, ...]}} */
  @Value.Derived
  public String message() {
    return "Container " + container() + " is listening on unallocated port(s): " + unallocated();
  }

  /** Rejects inconsistent values when an instance is built; not for callers. */
  @Stability(Stability.Level.INTERNAL)
  @Value.Check
  protected void check() {
    if (unallocated().isEmpty()) {
      throw new IllegalArgumentException(
          "Not a violation: container "
              + container()
              + " listens on "
              + listening()
              + ", all within its allocation "
              + allocated());
    }
  }

  /** {@return a builder; container, allocated and listening are required} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link Violation}s.
   *
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
  public static final class Builder extends ImmutableViolation.Builder {}
}
