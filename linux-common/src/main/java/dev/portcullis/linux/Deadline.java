package dev.portcullis.linux;

import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * A point in time by which a bounded effort gives up: killing a cgroup's processes, waiting for
 * them to exit, removing the cgroup. Immutable; measured on the monotonic clock so that a wall
 * clock step cannot stretch or cut the bound.
 */
public final class Deadline {

  private final long endNanos;

  private Deadline(long endNanos) {
    this.endNanos = endNanos;
  }

  /**
   * {@return the deadline {@code bound} from now}
   *
   * @param bound how long from now; zero or negative for a deadline already passed
   */
  public static Deadline after(Duration bound) {
    return new Deadline(System.nanoTime() + bound.toNanos());
  }

  /**
   * {@return whichever comes first: this deadline or {@code bound} from now}
   *
   * @param bound how long from now the other deadline is
   */
  public Deadline orSooner(Duration bound) {
    long other = System.nanoTime() + bound.toNanos();
    return other - endNanos < 0 ? new Deadline(other) : this;
  }

  /** {@return whether the deadline has passed} */
  public boolean expired() {
    return System.nanoTime() - endNanos >= 0;
  }

  /** {@return the time left, never negative} */
  public Duration remaining() {
    long left = endNanos - System.nanoTime();
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  /**
   * Sleeps for {@code pause}, or less when the deadline comes sooner; not at all once it has
   * passed.
   *
   * @param pause how long to sleep at most
   * @throws InterruptedIOException if the thread is interrupted, with the interrupt flag set again:
   *     the callers' methods throw {@code IOException}, and an interrupted kill or remove must stop
   *     rather than carry on
   */
  public void sleep(Duration pause) throws InterruptedIOException {
    long nanos = Math.min(pause.toNanos(), remaining().toNanos());
    if (nanos <= 0) {
      return;
    }
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting");
      interrupted.initCause(e);
      throw interrupted;
    }
  }
}
