package dev.portcullis.core;

import dev.portcullis.api.Stability;
import java.time.Duration;

/**
 * Runs the isolator's scans at a fixed delay. The seam lets tests and embedders drive scans
 * themselves, deterministically and without sleeping.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface ScanScheduler extends AutoCloseable {

  /**
   * Runs {@code scan} first after {@code initialDelay}, then again {@code delay} after each run
   * ends, until cancelled. Runs never overlap.
   *
   * @param scan the scan to run
   * @param initialDelay how long to wait before the first run
   * @param delay how long to wait after each run before the next
   * @return what stops the runs
   */
  Cancellable scheduleWithFixedDelay(Runnable scan, Duration initialDelay, Duration delay);

  /** Stops this scheduler; scheduled scans no longer run. The default does nothing. */
  @Override
  default void close() {}

  /** {@return a scheduler with one daemon thread, named {@code portcullis-scan}} */
  static ScanScheduler singleThread() {
    return new SingleThreadScanScheduler();
  }

  /**
   * A scheduled scan that can be stopped.
   *
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
  @FunctionalInterface
  interface Cancellable {
    /** Stops future runs; a run under way finishes. */
    void cancel();
  }
}
