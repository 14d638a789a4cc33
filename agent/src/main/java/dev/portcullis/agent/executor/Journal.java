package dev.portcullis.agent.executor;

import java.io.IOException;
import java.util.List;

/**
 * Keeps what the executor core holds across a restart: the daemon's checkpoint. Called on the
 * core's thread after every change, and before a launch makes any container, so that a crash never
 * leaves a container no record knows.
 */
@FunctionalInterface
public interface Journal {

  /** A journal that keeps nothing, for an agent that never recovers. */
  Journal NONE = executors -> {};

  /**
   * Records every executor held, running or terminated, in launch order.
   *
   * @throws IOException if it cannot be recorded; the core logs it and records again at the next
   *     change, except before a launch, which then fails
   */
  void save(List<ExecutorRecord> executors) throws IOException;
}
