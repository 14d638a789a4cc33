package dev.portcullis.testkit;

import dev.portcullis.core.ScanScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link ScanScheduler} on virtual time: scans run only when a test {@linkplain #advance
 * advances} the clock past their due time, on the test's thread, without sleeping.
 *
 * @since 0.1
 */
public final class ManualScanScheduler implements ScanScheduler {

  private final List<Entry> entries = new ArrayList<>();
  private Duration now = Duration.ZERO;
  private boolean closed;

  private static final class Entry {
    final Runnable scan;
    final Duration initialDelay;
    final Duration delay;
    Duration due;
    boolean cancelled;

    Entry(Runnable scan, Duration initialDelay, Duration delay, Duration due) {
      this.scan = scan;
      this.initialDelay = initialDelay;
      this.delay = delay;
      this.due = due;
    }
  }

  @Override
  public synchronized Cancellable scheduleWithFixedDelay(
      Runnable scan, Duration initialDelay, Duration delay) {
    if (closed) {
      throw new IllegalStateException("The scheduler is closed");
    }
    Entry entry = new Entry(scan, initialDelay, delay, now.plus(initialDelay));
    entries.add(entry);
    return () -> {
      synchronized (this) {
        entry.cancelled = true;
      }
    };
  }

  /**
   * Moves virtual time forward by {@code amount}, running every scan that falls due, in time order;
   * a scan's next run is due one delay after it ran. Cancelled scans do not run, and once the
   * scheduler is closed none does; time moves forward all the same.
   *
   * @param amount how far to move virtual time
   * @return how many scans ran
   */
  public int advance(Duration amount) {
    Duration target;
    synchronized (this) {
      target = now.plus(amount);
    }
    int ran = 0;
    while (true) {
      Entry next;
      synchronized (this) {
        next = null;
        for (Entry entry : entries) {
          if (!entry.cancelled
              && !closed
              && entry.due.compareTo(target) <= 0
              && (next == null || entry.due.compareTo(next.due) < 0)) {
            next = entry;
          }
        }
        if (next == null) {
          now = target;
          return ran;
        }
        now = next.due;
      }
      next.scan.run();
      synchronized (this) {
        next.due = now.plus(next.delay);
      }
      ran++;
    }
  }

  /** {@return the virtual time since this scheduler was made} */
  public synchronized Duration now() {
    return now;
  }

  /** {@return the initial delay of the first scheduled scan, if one was scheduled} */
  public synchronized Optional<Duration> initialDelay() {
    return entries.stream().findFirst().map(e -> e.initialDelay);
  }

  /** {@return the delay between runs of the first scheduled scan, if one was scheduled} */
  public synchronized Optional<Duration> delay() {
    return entries.stream().findFirst().map(e -> e.delay);
  }

  /**
   * {@return whether any scheduled scan is still active: not cancelled, and the scheduler not
   * closed}
   */
  public synchronized boolean hasActiveScans() {
    return !closed && entries.stream().anyMatch(e -> !e.cancelled);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
