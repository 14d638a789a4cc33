package dev.portcullis.core;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.Stability;
import java.util.Objects;
import java.util.Optional;

/**
 * A container that was running before the host restarted, as handed to {@link
 * PortsIsolator#recover}.
 *
 * <p>When the configuration is known (for example from a checkpoint), the container is judged from
 * the first scan after recovery, leaving no unprotected window. When it is unknown, as in Mesos,
 * the container is not judged until {@link PortsIsolator#update} gives its allocation.
 *
 * @param id the container
 * @param config its configuration, if known
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record RecoveredContainer(ContainerId id, Optional<ContainerConfig> config) {

  /**
   * Checks for nulls.
   *
   * @param id the container
   * @param config its configuration, if known
   */
  public RecoveredContainer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(config, "config");
  }

  /**
   * {@return a container whose configuration was checkpointed}
   *
   * @param id the container
   * @param config its checkpointed configuration
   */
  public static RecoveredContainer known(ContainerId id, ContainerConfig config) {
    return new RecoveredContainer(id, Optional.of(config));
  }

  /**
   * {@return a container whose allocation must wait for an update}
   *
   * @param id the container
   */
  public static RecoveredContainer unknown(ContainerId id) {
    return new RecoveredContainer(id, Optional.empty());
  }
}
