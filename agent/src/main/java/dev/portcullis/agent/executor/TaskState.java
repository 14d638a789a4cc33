package dev.portcullis.agent.executor;

/** The Mesos task states the agent reports, spelled as in the v1 API. */
public enum TaskState {
  /** Sent once the container exists, before the command is launched. */
  TASK_STARTING,
  /** Sent once the command runs inside its container. */
  TASK_RUNNING,
  /** Terminal: the command exited with status 0. */
  TASK_FINISHED,
  /** Terminal: the command exited non-zero, could not be launched, or was limited. */
  TASK_FAILED,
  /**
   * Terminal: the task was killed on request: a kill call, or {@code portcullis run} told to stop.
   */
  TASK_KILLED;

  /** Whether no update follows this one. */
  public boolean isTerminal() {
    return this == TASK_FINISHED || this == TASK_FAILED || this == TASK_KILLED;
  }

  /**
   * Whether a task in {@code other} can move on to this state: starting comes before running, and
   * both before any terminal state; a terminal state is never followed by another.
   */
  public boolean follows(TaskState other) {
    return progress() > other.progress();
  }

  private int progress() {
    return switch (this) {
      case TASK_STARTING -> 0;
      case TASK_RUNNING -> 1;
      case TASK_FINISHED, TASK_FAILED, TASK_KILLED -> 2;
    };
  }
}
