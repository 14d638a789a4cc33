package dev.portcullis.agent.executor;

/**
 * How the executor core lays out and keeps its executors.
 *
 * @param layout where an executor's tasks run
 * @param maxCompletedExecutors how many terminated executors are kept for listing
 */
public record CoreSettings(TaskLayout layout, int maxCompletedExecutors) {

  /** Checks the values. */
  public CoreSettings {
    if (layout == null) {
      throw new NullPointerException("layout");
    }
    if (maxCompletedExecutors < 0) {
      throw new IllegalArgumentException("maxCompletedExecutors must be 0 or more");
    }
  }
}
