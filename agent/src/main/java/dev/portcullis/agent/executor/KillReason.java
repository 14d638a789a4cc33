package dev.portcullis.agent.executor;

import java.util.Locale;

/** Why the executor core killed an executor's containers: the {@code reason} label of the kills. */
public enum KillReason {
  /** The isolator limited it for listening on unallocated ports. */
  CONTAINER_LIMITATION,
  /** A kill request: to the API, or {@code portcullis run} told to stop. */
  KILL_REQUEST,
  /** One of its tasks failed, and a task group fails as a whole. */
  TASK_GROUP_FAILED,
  /** Its containers could not be made or its tasks not started. */
  LAUNCH_FAILED,
  /** A cgroup under the agent's root that no checkpoint knew. */
  ORPHAN,
  /** Killed at start-up by {@code --recover=cleanup}. */
  RECOVERY_CLEANUP;

  /** The metric label: the name in lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
