package dev.portcullis.core;

import dev.portcullis.api.Stability;

/**
 * How a scan attributed sockets to containers.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum ScanMode {
  /**
   * By the cgroup id each socket carries; every suspect is confirmed by the exact path before it
   * counts as a violation. Used when both the socket source and the process tracker report cgroup
   * ids, except on full scans.
   */
  FAST,
  /** By reading the socket descriptors of every process of every judged container. */
  EXACT
}
