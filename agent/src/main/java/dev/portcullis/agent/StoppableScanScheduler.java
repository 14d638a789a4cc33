package dev.portcullis.agent;

import dev.portcullis.core.ScanScheduler;
import java.time.Duration;

/**
 * A scheduler whose scans can be stopped for good, waiting for the one under way.
 *
 * <p>When the task exits, a scan may be in the middle of killing it: the isolator kills the tree
 * first and raises the limitation after, so the exit can be seen before the limitation. Once {@link
 * #stop()} returns, no scan runs or will run, and any limitation raised has been raised: only then
 * can the run tell an exit from a limitation.
 */
final class StoppableScanScheduler implements ScanScheduler {

  private final ScanScheduler delegate;
  private final Object scanning = new Object();
  private boolean stopped; // guarded by scanning

  StoppableScanScheduler(ScanScheduler delegate) {
    this.delegate = delegate;
  }

  @Override
  public Cancellable scheduleWithFixedDelay(Runnable scan, Duration initialDelay, Duration delay) {
    return delegate.scheduleWithFixedDelay(
        () -> {
          synchronized (scanning) {
            if (!stopped) {
              scan.run();
            }
          }
        },
        initialDelay,
        delay);
  }

  /**
   * Waits for the scan under way, if any, and keeps every later one from running. The wait is
   * bounded by one scan, whose kill the process tracker bounds.
   */
  void stop() {
    synchronized (scanning) {
      stopped = true;
    }
  }

  @Override
  public void close() {
    stop();
    delegate.close();
  }
}
