package dev.portcullis.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One status update of a task, shaped like the Mesos v1 {@code TaskStatus} when written as JSON:
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

  /** The terminal update for how the task ended. */
  public static TaskStatus of(
      Optional<String> executorId,
      String taskId,
      ContainerId container,
      Termination ending,
      Instant timestamp) {
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

  /** The update as a JSON object, in the shape above. */
  public ObjectNode toJson() {
    ObjectNode update = JsonNodeFactory.instance.objectNode();
    update.putObject("task_id").put("value", taskId);
    executorId.ifPresent(id -> update.putObject("executor_id").put("value", id));
    update.putObject("container_id").put("value", container.toString());
    update.put("state", state.name());
    update.put("source", "SOURCE_AGENT");
    update.put("timestamp", seconds(timestamp));
    reason.ifPresent(r -> update.put("reason", r));
    message.ifPresent(m -> update.put("message", m));
    limitedPorts.ifPresent(ports -> update.set("limitation", limitation(ports)));
    return update;
  }

  /** Seconds since the epoch to the microsecond, as Mesos's double, written without exponent. */
  private static BigDecimal seconds(Instant instant) {
    return BigDecimal.valueOf(instant.getEpochSecond())
        .add(BigDecimal.valueOf(instant.getNano() / 1_000, 6));
  }

  /** The Mesos {@code TaskStatus.limitation}: the unallocated ports as a RANGES resource. */
  private static ObjectNode limitation(PortRanges ports) {
    ObjectNode limitation = JsonNodeFactory.instance.objectNode();
    ObjectNode resource = limitation.putArray("resources").addObject();
    resource.put("name", ContainerLimitation.RESOURCE_NAME);
    resource.put("type", "RANGES");
    ArrayNode ranges = resource.putObject("ranges").putArray("range");
    for (PortRanges.Range range : ports.ranges()) {
      ranges.addObject().put("begin", range.begin()).put("end", range.end());
    }
    return limitation;
  }
}
