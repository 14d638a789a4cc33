package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on the listeners a port guard stopped: each is a violation the kernel caught first, so with
 * enforcement on its root is killed and limited as a scan would have done, naming the listener's
 * port; with it off the stop is only logged (the guard logged it too).
 */
final class StoppedListeners {

  /** The isolator's logger: these lines are the isolator's to an operator. */
  private static final Logger LOG = LoggerFactory.getLogger(PortsIsolator.class);

  private final boolean enforcing;
  private final ProcessTracker tracker;
  private final TrackedContainers containers;
  private final KillNotices notices;

  StoppedListeners(
      boolean enforcing,
      ProcessTracker tracker,
      TrackedContainers containers,
      KillNotices notices) {
    this.enforcing = enforcing;
    this.tracker = tracker;
    this.containers = containers;
    this.notices = notices;
  }

  /**
   * Kills and limits each root whose guard stopped a listener, unless it is gone or limited
   * already. The caller holds the isolator's scan lock.
   *
   * @param stopped the ports of the listeners stopped since the last read, by root
   * @return the limitations raised
   */
  List<ContainerLimitation> limit(Map<ContainerId, PortRanges> stopped) {
    List<ContainerLimitation> raised = new ArrayList<>();
    for (Map.Entry<ContainerId, PortRanges> entry : stopped.entrySet()) {
      ContainerId root = entry.getKey();
      String message =
          "Container "
              + root
              + " is listening on unallocated port(s): "
              + entry.getValue()
              + " (its port guard stopped the listener)";
      if (!enforcing) {
        LOG.warn("{}; not killing it: --enforce_container_ports is off", message);
        continue;
      }
      if (!containers.isLive(root)) {
        continue;
      }
      LOG.warn("{}; killing container {} and everything in it", message, root);
      ContainerLimitation limitation =
          ContainerLimitation.builder()
              .container(root)
              .ports(entry.getValue())
              .message(message)
              .build();
      notices.announce(limitation);
      try {
        tracker.kill(root);
      } catch (IOException | RuntimeException e) {
        LOG.error("Could not kill every process of container {}: {}", root, e.getMessage(), e);
      }
      if (containers.raise(limitation)) {
        raised.add(limitation);
      }
    }
    return raised;
  }
}
