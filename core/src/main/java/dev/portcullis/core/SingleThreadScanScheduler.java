package dev.portcullis.core;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The production {@link ScanScheduler}: one daemon thread, fixed delay. */
final class SingleThreadScanScheduler implements ScanScheduler {

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "portcullis-scan");
            thread.setDaemon(true);
            return thread;
          });

  @Override
  public Cancellable scheduleWithFixedDelay(Runnable scan, Duration initialDelay, Duration delay) {
    ScheduledFuture<?> future =
        executor.scheduleWithFixedDelay(
            scan, initialDelay.toNanos(), delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
