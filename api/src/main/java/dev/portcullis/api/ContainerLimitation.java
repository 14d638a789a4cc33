package dev.portcullis.api;

import org.immutables.value.Value;

/**
 * What a watcher of a container receives when the container is limited for listening on unallocated
 * ports: the Mesos {@code ContainerLimitation} with reason {@value #REASON}.
 *
 * <p>The offending ports are reported as a {@code ports} resource of type RANGES.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
@Value.Immutable
public abstract class ContainerLimitation {

  /** The Mesos reason every port limitation carries. */
  public static final String REASON = "REASON_CONTAINER_LIMITATION";

  /** The name of the resource the offending ports are reported as. */
  public static final String RESOURCE_NAME = "ports";

  /**
   * {@return the limited container} The violation's root, or, for a kill of the {@link
   * KillScope#OFFENDER offender} alone, the offending container, which may be nested (since 0.2;
   * before, always a root).
   */
  public abstract ContainerId container();

  /** {@return the unallocated ports that caused the limitation; never empty} */
  public abstract PortRanges ports();

  /** {@return the human-readable reason, the violation's message} */
  public abstract String message();

  /** {@return the Mesos limitation reason: always {@value #REASON}} */
  @Value.Derived
  public String reason() {
    return REASON;
  }

  /** Rejects inconsistent values when an instance is built; not for callers. */
  @Stability(Stability.Level.INTERNAL)
  @Value.Check
  protected void check() {
    if (ports().isEmpty()) {
      throw new IllegalArgumentException("A port limitation must name at least one port");
    }
  }

  /**
   * {@return the limitation raised on a violation's root, for a kill of the {@link KillScope#ROOT
   * root}}
   *
   * @param violation the violation the root's tree was killed for
   */
  public static ContainerLimitation of(Violation violation) {
    return new Builder()
        .container(violation.root())
        .ports(violation.unallocated())
        .message(violation.message())
        .build();
  }

  /** {@return a builder; every attribute is required} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link ContainerLimitation}s.
   *
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
  public static final class Builder extends ImmutableContainerLimitation.Builder {}
}
