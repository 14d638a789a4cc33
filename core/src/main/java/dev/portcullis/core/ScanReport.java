package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Stability;
import dev.portcullis.api.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything one scan saw and did, as returned by {@link PortsIsolator#reconcileOnce()} and handed
 * to scan listeners.
 *
 * @param scan the scan's number, counting from 1
 * @param startedAt when the scan began
 * @param duration how long it took
 * @param mode how sockets were attributed to containers
 * @param socketsSeen how many listening sockets the host snapshot held
 * @param scope the ports checked; empty means every port
 * @param containers every tracked container, judged or not, parents before children
 * @param violations every violation found, confirmed by the exact path
 * @param unconfirmed containers the fast path suspected but the exact path cleared
 * @param actions what was done about each violation, in the order of {@code violations}
 * @param limitations the limitations raised by this scan: on roots, or on containers killed alone
 * @param guardRefusals what each guarded root's port guard has refused so far, read after the scan;
 *     empty when the isolator has no guard
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record ScanReport(
    long scan,
    Instant startedAt,
    Duration duration,
    ScanMode mode,
    int socketsSeen,
    Optional<PortRanges> scope,
    List<ContainerObservation> containers,
    List<Violation> violations,
    List<ContainerId> unconfirmed,
    List<EnforcementAction> actions,
    List<ContainerLimitation> limitations,
    Map<ContainerId, GuardRefusals> guardRefusals) {

  /**
   * Checks for nulls and copies the lists.
   *
   * @param scan the scan's number, counting from 1
   * @param startedAt when the scan began
   * @param duration how long it took
   * @param mode how sockets were attributed to containers
   * @param socketsSeen how many listening sockets the host snapshot held
   * @param scope the ports checked; empty means every port
   * @param containers every tracked container, parents before children
   * @param violations every violation found
   * @param unconfirmed containers the fast path suspected but the exact path cleared
   * @param actions what was done about each violation
   * @param limitations the limitations raised on roots by this scan
   * @param guardRefusals what each guarded root's port guard has refused so far
   */
  public ScanReport {
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(scope, "scope");
    containers = IndexedObservations.of(containers);
    violations = List.copyOf(violations);
    unconfirmed = List.copyOf(unconfirmed);
    actions = List.copyOf(actions);
    limitations = List.copyOf(limitations);
    guardRefusals = Map.copyOf(guardRefusals);
  }

  /**
   * This report with {@code refusals} as its {@link #guardRefusals()}, and {@code raised} added to
   * its limitations.
   */
  ScanReport withGuards(
      Map<ContainerId, GuardRefusals> refusals, List<ContainerLimitation> raised) {
    List<ContainerLimitation> all = new java.util.ArrayList<>(limitations);
    all.addAll(raised);
    return new ScanReport(
        scan,
        startedAt,
        duration,
        mode,
        socketsSeen,
        scope,
        containers,
        violations,
        unconfirmed,
        actions,
        all,
        refusals);
  }

  /**
   * {@return the observation of one container, if it was tracked during the scan}
   *
   * @param container the container
   */
  public Optional<ContainerObservation> observation(ContainerId container) {
    return ((IndexedObservations) containers).find(container);
  }

  /**
   * {@return the violation found for one container, if any}
   *
   * @param container the container
   */
  public Optional<Violation> violation(ContainerId container) {
    return violations.stream().filter(v -> v.container().equals(container)).findFirst();
  }

  /** {@return the roots whose trees this scan killed (or tried to kill)} */
  public List<ContainerId> killedRoots() {
    return limitations.stream().map(ContainerLimitation::container).collect(Collectors.toList());
  }

  @Override
  public String toString() {
    return "scan "
        + scan
        + " ("
        + mode
        + ", "
        + duration.toNanos() / 1_000
        + " µs): "
        + socketsSeen
        + " sockets, "
        + containers.size()
        + " containers, "
        + violations.size()
        + " violations, "
        + limitations.size()
        + " limitations";
  }
}
