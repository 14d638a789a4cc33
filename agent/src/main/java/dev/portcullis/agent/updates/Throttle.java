package dev.portcullis.agent.updates;

import java.time.Duration;

/**
 * Says when a repeated warning may be logged again: the first time, then at most once per interval,
 * so that a log that keeps failing or dropping does not flood the agent's own log.
 */
final class Throttle {

  private final long intervalNanos;
  private boolean ever;
  private long last;

  Throttle(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** Whether to log now; if so, the interval starts again. */
  boolean allow() {
    long now = System.nanoTime();
    if (ever && now - last < intervalNanos) {
      return false;
    }
    ever = true;
    last = now;
    return true;
  }
}
