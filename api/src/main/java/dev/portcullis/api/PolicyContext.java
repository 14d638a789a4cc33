package dev.portcullis.api;

import java.util.Optional;
import org.immutables.value.Value;

/**
 * What the isolator remembers about one offending container when it asks a policy for a verdict.
 *
 * <p>The memory is per offending container (a nested container has its own). It starts afresh when
 * the container is seen clean in a scan, and when its root's allocation is updated.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
@Value.Immutable
public abstract class PolicyContext {

  /** {@return whether the host kills on a kill verdict; when false, kills are only logged} */
  public abstract boolean enforcing();

  /** {@return the number of the current scan, counting from 1} */
  public abstract long scan();

  /**
   * {@return how many consecutive scans, this one included, have seen this container violate with
   * the same unallocated ports: 1 the first time}
   */
  public abstract int consecutiveScans();

  /**
   * {@return the unallocated ports of the last violation by this container that was logged (by a
   * log or kill verdict), if one was logged since the memory last started afresh}
   */
  public abstract Optional<PortRanges> lastLogged();

  /** Rejects inconsistent values when an instance is built; not for callers. */
  @Stability(Stability.Level.INTERNAL)
  @Value.Check
  protected void check() {
    if (scan() < 1 || consecutiveScans() < 1) {
      throw new IllegalArgumentException(
          "scan and consecutiveScans count from 1: " + scan() + ", " + consecutiveScans());
    }
  }

  /** {@return a builder; every attribute but {@link #lastLogged()} is required} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link PolicyContext}s.
   *
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
  public static final class Builder extends ImmutablePolicyContext.Builder {}
}
