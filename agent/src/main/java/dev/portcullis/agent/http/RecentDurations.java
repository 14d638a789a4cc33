package dev.portcullis.agent.http;

import java.util.Arrays;

/**
 * The durations of the last few scans, for a summary's quantiles: a ring that the scanning thread
 * writes and the metrics' reader copies. A mean hides what a typical scan costs when every tenth is
 * a full one; a median does not. Thread-safe.
 */
final class RecentDurations {

  private final long[] nanos;
  private int count;
  private int next;

  /** Keeps the last {@code capacity} durations. */
  RecentDurations(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("A ring holds at least one duration, not " + capacity);
    }
    nanos = new long[capacity];
  }

  synchronized void add(long durationNanos) {
    nanos[next] = durationNanos;
    next = (next + 1) % nanos.length;
    count = Math.min(count + 1, nanos.length);
  }

  /**
   * The nearest-rank quantiles of the durations kept, in nanoseconds: for each {@code q} in {@code
   * quantiles}, the smallest duration that at least {@code q} of them do not exceed. Empty when no
   * scan has been kept yet.
   */
  long[] quantiles(double... quantiles) {
    long[] sorted;
    synchronized (this) {
      sorted = Arrays.copyOf(nanos, count);
    }
    if (sorted.length == 0) {
      return new long[0];
    }
    Arrays.sort(sorted);
    long[] values = new long[quantiles.length];
    for (int i = 0; i < quantiles.length; i++) {
      int rank = (int) Math.ceil(quantiles[i] * sorted.length);
      values[i] = sorted[Math.max(rank, 1) - 1];
    }
    return values;
  }

  /** {@return how many durations are kept, at most the capacity} */
  synchronized int size() {
    return count;
  }
}
