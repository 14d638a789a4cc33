package dev.portcullis.testkit;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import java.util.Objects;

/**
 * One thing the isolator did, as recorded by an {@link IsolatorHarness}.
 *
 * @param kind what happened
 * @param scan the scan it happened in, counting from 1
 * @param container the container concerned: the offender for violations and logs, the root for
 *     limitations and kills
 * @param ports the unallocated ports concerned; empty for a kill
 * @param message the logged or limitation message; empty for violations and kills
 * @since 0.1
 */
public record IsolatorEvent(
    Kind kind, long scan, ContainerId container, PortRanges ports, String message) {

  /**
   * Checks for nulls.
   *
   * @param kind what happened
   * @param scan the scan it happened in, counting from 1
   * @param container the container concerned: the offender for violations and logs, the root for
   *     limitations and kills
   * @param ports the unallocated ports concerned; empty for a kill
   * @param message the logged or limitation message; empty for violations and kills
   */
  public IsolatorEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(message, "message");
  }

  /** The kinds of event. */
  public enum Kind {
    /** A scan found a container listening on unallocated ports. */
    VIOLATION,
    /** A violation was logged. */
    LOG,
    /** A root's watch completed with a limitation. */
    LIMITATION,
    /** The process tracker killed a container's tree. */
    KILL
  }

  @Override
  public String toString() {
    return "scan "
        + scan
        + " "
        + kind
        + " "
        + container
        + " "
        + ports
        + (message.isEmpty() ? "" : " \"" + message + "\"");
  }
}
