package dev.portcullis.agent.executor;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's health.
 *
 * @param executorsRunning how many executors are running
 * @param portsIsolated whether ports are isolated
 * @param scans how many scans have run
 * @param lastScan when the last scan started, if any has
 */
public record Health(
    long executorsRunning, boolean portsIsolated, long scans, Optional<Instant> lastScan) {

  /** Checks for nulls. */
  public Health {
    Objects.requireNonNull(lastScan, "lastScan");
  }
}
