package dev.portcullis.agent.executor;

/** Where an executor's tasks run, relative to the executor's container. */
public enum TaskLayout {
  /**
   * Each task in a container of its own, nested in the executor's, as the Mesos default executor
   * lays out a task group: the agent daemon.
   */
  NESTED,
  /**
   * The executor's one task in the executor's container itself: {@code portcullis run}, whose task
   * is its container.
   */
  IN_EXECUTOR
}
