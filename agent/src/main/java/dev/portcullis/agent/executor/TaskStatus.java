package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One status update of a task. Rendered as JSON in one place, by the agent's status writer, in the
 * shape of the Mesos v1 {@code TaskStatus}:
 *
 * <pre>{@code
 * {"task_id":{"value":"t"},"executor_id":{"value":"e"},"container_id":{"value":"c"},
 *  "state":"TASK_FAILED","source":"SOURCE_AGENT","timestamp":1712345678.123456,
 *  "reason":"REASON_CONTAINER_LIMITATION","message":"Container c is listening on ...",
 *  "limitation":{"resources":[{"name":"ports","type":"RANGES",
 *                              "ranges":{"range":[{"begin":8080,"end":8080}]}}]}}
 * }</pre>
 *
 * <p>{@code executor_id} is written only for tasks of the agent daemon, which runs them in
 * executors; {@code portcullis run} has none.
 *
 * @param executorId the executor the task belongs to, if any
 * @param taskId the task
 * @param container the task's container
 * @param state the state reported
 * @param timestamp when the update was made
 * @param reason the Mesos reason, if any
 * @param message the message, if any
 * @param limitedPorts the unallocated ports, for a task limited by the ports isolator
 */
public record TaskStatus(
    Optional<String> executorId,
    String taskId,
    ContainerId container,
    TaskState state,
    Instant timestamp,
    Optional<String> reason,
    Optional<String> message,
    Optional<PortRanges> limitedPorts) {

  /** Checks for nulls. */
  public TaskStatus {
    Objects.requireNonNull(executorId, "executorId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(limitedPorts, "limitedPorts");
  }

  /** A non-terminal update, without reason or message. */
  public static TaskStatus of(
      Optional<String> executorId,
      String taskId,
      ContainerId container,
      TaskState state,
      Instant timestamp) {
    return new TaskStatus(
        executorId,
        taskId,
        container,
        state,
        timestamp,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** This update made terminal by how the task ended: its state, reason, message and ports. */
  public TaskStatus endedBy(Termination ending) {
    return new TaskStatus(
        executorId,
        taskId,
        container,
        ending.state(),
        timestamp,
        ending.reason(),
        Optional.of(ending.message()),
        ending.limitedPorts());
  }

  /** This update without its executor, as {@code portcullis run} reports it. */
  public TaskStatus withoutExecutor() {
    return new TaskStatus(
        Optional.empty(), taskId, container, state, timestamp, reason, message, limitedPorts);
  }
}
