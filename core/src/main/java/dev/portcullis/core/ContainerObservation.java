package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Stability;
import java.util.Objects;
import java.util.Optional;

/**
 * What one scan saw of one tracked container.
 *
 * @param container the container
 * @param status whether and why it was judged
 * @param allocated its root's allocation, when known
 * @param listening the in-scope ports it was seen listening on; empty unless judged
 * @param detail why a container could not be read, empty otherwise
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record ContainerObservation(
    ContainerId container,
    Status status,
    Optional<PortRanges> allocated,
    PortRanges listening,
    Optional<String> detail) {

  /**
   * Checks for nulls.
   *
   * @param container the container
   * @param status whether and why it was judged
   * @param allocated its root's allocation, when known
   * @param listening the in-scope ports it was seen listening on
   * @param detail why it could not be read, empty otherwise
   */
  public ContainerObservation {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(allocated, "allocated");
    Objects.requireNonNull(listening, "listening");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * Whether and why a container was judged in a scan.
   *
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
  public enum Status {
    /** Its listening ports were compared with its root's allocation. */
    JUDGED,
    /** Its root's allocation is not known yet (recovered without one); not judged. */
    AWAITING_ALLOCATION,
    /** On a named network, with its own network namespace; never judged. */
    IGNORED,
    /** Its root was already limited; it is no longer judged. */
    LIMITED,
    /** Its processes or cgroups could not be read in this scan; see the detail. */
    UNREADABLE
  }
}
