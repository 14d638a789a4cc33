package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.core.ScanReport;
import java.util.Map;

/**
 * What the executor core tells its observer (the daemon's metrics), on the core's thread. Every
 * method does nothing by default.
 */
public interface CoreObserver {

  /** An observer that takes nothing. */
  CoreObserver NONE = new CoreObserver() {};

  /** A scan ran. */
  default void scanned(ScanReport report) {}

  /** A scan failed, and will be retried at the next interval. */
  default void scanFailed() {}

  /** An executor's containers were killed, for this reason. */
  default void killed(KillReason reason) {}

  /** The port guards were read: what each has refused so far, by executor root. */
  default void guardsRead(Map<ContainerId, GuardRefusals> refusals) {}
}
