package dev.portcullis.core;

import dev.portcullis.core.format.Durations;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The isolator's scheduled scans: at a fixed delay on the scheduler, each one guarded so that a
 * failure is logged and the next scan runs as planned. Started once; closed for good.
 */
final class ScanLoop {

  /** The isolator's logger: these lines are the isolator's to an operator. */
  private static final Logger LOG = LoggerFactory.getLogger(PortsIsolator.class);

  private final ScanScheduler scheduler;
  private final Duration interval;
  private final Runnable scan;

  /** Guards {@link #scheduled} and {@link #closed}. */
  private final Object lock = new Object();

  private ScanScheduler.Cancellable scheduled;
  private boolean closed;

  ScanLoop(ScanScheduler scheduler, Duration interval, Runnable scan) {
    this.scheduler = scheduler;
    this.interval = interval;
    this.scan = scan;
  }

  /**
   * Schedules the scans: the first one interval from now.
   *
   * @throws IllegalStateException if already started or closed
   */
  void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("The isolator is closed");
      }
      if (scheduled != null) {
        throw new IllegalStateException("The isolator is already started");
      }
      scheduled = scheduler.scheduleWithFixedDelay(this::scheduledScan, interval, interval);
    }
    LOG.info("Scanning for unallocated ports every {}", Durations.format(interval));
  }

  private void scheduledScan() {
    try {
      scan.run();
    } catch (ScanFailedException e) {
      LOG.warn("Scan failed, will retry at the next interval: {}", e.getMessage(), e.getCause());
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      // A scheduled executor silently stops a periodic task that throws: never let it.
      LOG.error("Scan failed unexpectedly, will retry at the next interval", e);
    }
  }

  /** Cancels the scans and closes the scheduler. */
  void close() {
    synchronized (lock) {
      closed = true;
      if (scheduled != null) {
        scheduled.cancel();
      }
    }
    scheduler.close();
  }
}
