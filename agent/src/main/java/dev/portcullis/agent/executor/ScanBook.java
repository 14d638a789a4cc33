package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.ContainerObservation;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.ScanFailedException;
import dev.portcullis.core.ScanReport;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the isolator's scans on the core's thread and keeps what they saw: the ports each container
 * listens on, what each guard refused, how many scans ran and when the last one started.
 */
final class ScanBook {

  private static final Logger LOG = LoggerFactory.getLogger(ScanBook.class);

  private final Holdings holdings;
  private long scans;
  private Optional<Instant> lastScan = Optional.empty();

  ScanBook(Holdings holdings) {
    this.holdings = holdings;
  }

  /** Runs one scan, if ports are isolated; a failed scan is counted and logged, never thrown. */
  void scan() {
    if (holdings.isolator.isEmpty()) {
      return;
    }
    try {
      holdings.isolator.get().reconcileOnce();
    } catch (ScanFailedException e) {
      holdings.observer.scanFailed();
      LOG.warn("Scan failed, will retry at the next interval: {}", e.getMessage(), e.getCause());
    } catch (RuntimeException e) {
      holdings.observer.scanFailed();
      LOG.error("Scan failed unexpectedly, will retry at the next interval", e);
    }
  }

  /** The isolator's scan listener, called on the core's thread by {@link #scan()}. */
  void scanned(ScanReport report) {
    scans++;
    lastScan = Optional.of(report.startedAt());
    holdings.observer.scanned(report);
    for (Executor executor : holdings.running()) {
      Optional<PortRanges> all = listening(report, executor.container());
      for (Task task : executor.tasks()) {
        Optional<PortRanges> ports = listening(report, task.container());
        task.listening(ports);
        if (ports.isPresent()) {
          all = Optional.of(all.orElse(PortRanges.empty()).union(ports.get()));
        }
      }
      executor.listening(all);
    }
    guardsRead(report.guardRefusals());
  }

  /** Reads every port guard now, as before settling how a task ended. */
  void readGuards() {
    holdings.isolator.ifPresent(
        ports -> {
          Map<ContainerId, GuardRefusals> read = ports.checkGuards();
          holdings.observer.guardsRead(read);
          guardsRead(read);
        });
  }

  private void guardsRead(Map<ContainerId, GuardRefusals> refusals) {
    if (holdings.isolator.flatMap(PortsIsolator::guardName).isEmpty()) {
      return;
    }
    for (Executor executor : holdings.executors()) {
      GuardRefusals read = refusals.get(executor.container());
      if (read != null) {
        executor.guardRefusals(read);
      }
    }
  }

  private static Optional<PortRanges> listening(ScanReport report, ContainerId container) {
    return report
        .observation(container)
        .filter(seen -> seen.status() == ContainerObservation.Status.JUDGED)
        .map(ContainerObservation::listening);
  }

  long scans() {
    return scans;
  }

  Optional<Instant> lastScan() {
    return lastScan;
  }
}
