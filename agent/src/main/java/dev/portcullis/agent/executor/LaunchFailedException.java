package dev.portcullis.agent.executor;

/**
 * A launch that was accepted but could not be carried out: the containers could not be made or a
 * task could not be started. Everything it made is gone, and its tasks are reported {@code
 * TASK_FAILED}; the executor's record says so.
 */
public final class LaunchFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient ExecutorRecord executor;
  private final boolean started;

  LaunchFailedException(String message, Throwable cause, ExecutorRecord executor, boolean started) {
    super(message, cause);
    this.executor = executor;
    this.started = started;
  }

  /** The executor as it ended. */
  public ExecutorRecord executor() {
    return executor;
  }

  /**
   * Whether any task had been reported {@code TASK_STARTING}; if not, the containers could not be
   * made and no task process was started.
   */
  public boolean started() {
    return started;
  }
}
