package dev.portcullis.agent.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A launch that was accepted but could not be carried out: the containers could not be made or a
 * task could not be started. Everything it made is gone, and its tasks are reported {@code
 * TASK_FAILED}; the executor's view says so.
 */
final class LaunchFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient ObjectNode executor;

  LaunchFailedException(String message, ObjectNode executor) {
    super(message);
    this.executor = executor;
  }

  /** The executor as it ended. */
  ObjectNode executor() {
    return executor;
  }
}
