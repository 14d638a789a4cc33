package dev.portcullis.api;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * What the isolator is told about a container when it is prepared: the ports allocated to it, the
 * named networks it joins, and the task it runs, when the host knows it.
 *
 * <p>A container on a named (CNI) network has its own network namespace; the isolator ignores it,
 * as Mesos does. For a nested container, {@link #ports()} are accepted but not used for judging:
 * every container in a tree is judged against its root's allocation.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
@Value.Immutable
public abstract class ContainerConfig {

  /** {@return the allocated ports; empty when the container was given no {@code ports} resource} */
  @Value.Default
  public PortRanges ports() {
    return PortRanges.empty();
  }

  /** {@return the named networks the container joins, in order; empty for the host network} */
  public abstract List<String> networks();

  /**
   * {@return the id of the task the container runs, when the host runs one task in it and says
   * which} For policies that judge tasks by their ids, which they learn in {@link
   * EnforcementPolicy#prepared}. Empty when the host does not say.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public abstract Optional<String> taskId();

  /** {@return whether the container runs in its own network namespace and is ignored} */
  @Value.Derived
  public boolean onNamedNetwork() {
    return !networks().isEmpty();
  }

  /** Rejects inconsistent values when an instance is built; not for callers. */
  @Stability(Stability.Level.INTERNAL)
  @Value.Check
  protected void check() {
    if (taskId().isPresent() && taskId().get().isBlank()) {
      throw new IllegalArgumentException("A task id may not be blank");
    }
    for (String network : networks()) {
      if (network.isBlank()) {
        throw new IllegalArgumentException("A network name may not be blank");
      }
    }
  }

  /**
   * {@return a container on the host network with the given allocation}
   *
   * @param ports the ports allocated to it
   */
  public static ContainerConfig withPorts(PortRanges ports) {
    return builder().ports(ports).build();
  }

  /** {@return a builder; by default no ports, no named network and no task id} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link ContainerConfig}s.
   *
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
  public static final class Builder extends ImmutableContainerConfig.Builder {}
}
