package dev.portcullis.core;

import dev.portcullis.api.ContainerLimitation;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the {@link PortsIsolatorBuilder#beforeKill before-kill listeners} of a limitation about to
 * be raised. A listener that throws is logged and never stops the kill.
 */
final class KillNotices {

  private static final Logger LOG = LoggerFactory.getLogger(KillNotices.class);

  private final List<Consumer<ContainerLimitation>> listeners;

  KillNotices(List<Consumer<ContainerLimitation>> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void announce(ContainerLimitation limitation) {
    for (Consumer<ContainerLimitation> listener : listeners) {
      try {
        listener.accept(limitation);
      } catch (RuntimeException e) {
        LOG.error(
            "A before-kill listener failed for container {}; killing it anyway",
            limitation.container(),
            e);
      }
    }
  }
}
