package dev.portcullis.agent.status;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.executor.TaskState;
import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Status updates as JSON, the one place they are written and read back, in the shape of the Mesos
 * v1 {@code TaskStatus} that {@link TaskStatus} documents: for {@code portcullis run}'s standard
 * output, the daemon's event stream and views, and its checkpoint.
 */
public final class StatusJson {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private StatusJson() {}

  /** The update as one line of JSON, without its line end. */
  public static String line(TaskStatus update) {
    return text(write(update));
  }

  /**
   * The update as one line of the daemon's event stream: its JSON object with the {@code sequence}
   * number its update log gave it, without its line end.
   */
  public static String line(TaskStatus update, long sequence) {
    return text(write(update).put("sequence", sequence));
  }

  private static String text(ObjectNode json) {
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      // A tree of strings and numbers always serializes; failing here is a bug, not an input.
      throw new UncheckedIOException(e);
    }
  }

  /** The update as a JSON object. */
  public static ObjectNode write(TaskStatus update) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.putObject("task_id").put("value", update.taskId());
    update.executorId().ifPresent(id -> json.putObject("executor_id").put("value", id));
    json.putObject("container_id").put("value", update.container().toString());
    json.put("state", update.state().name());
    json.put("source", "SOURCE_AGENT");
    json.put("timestamp", seconds(update.timestamp()));
    update.reason().ifPresent(r -> json.put("reason", r));
    update.message().ifPresent(m -> json.put("message", m));
    update.limitedPorts().ifPresent(ports -> json.set("limitation", limitation(ports)));
    return json;
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

  /**
   * Reads back an update this class wrote.
   *
   * @throws IllegalArgumentException naming the first field that is missing or wrong
   */
  public static TaskStatus read(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("must be an object");
    }
    String taskId = value(json, "task_id");
    Optional<String> executorId =
        json.has("executor_id") ? Optional.of(value(json, "executor_id")) : Optional.empty();
    ContainerId container = ContainerId.parse(value(json, "container_id"));
    TaskState state;
    try {
      state = TaskState.valueOf(text(json, "state"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "state: '" + json.get("state").asText() + "' is not a task state", e);
    }
    JsonNode timestamp = json.get("timestamp");
    if (timestamp == null || !timestamp.isNumber()) {
      throw new IllegalArgumentException("timestamp: must be a number");
    }
    Instant at =
        Instant.EPOCH.plus(
            timestamp.decimalValue().movePointRight(6).longValue(), ChronoUnit.MICROS);
    Optional<String> reason = optionalText(json, "reason");
    Optional<String> message = optionalText(json, "message");
    Optional<PortRanges> limited =
        json.has("limitation")
            ? Optional.of(limitedPorts(json.get("limitation")))
            : Optional.empty();
    return new TaskStatus(executorId, taskId, container, state, at, reason, message, limited);
  }

  private static PortRanges limitedPorts(JsonNode limitation) {
    JsonNode range = limitation.path("resources").path(0).path("ranges").path("range");
    if (!range.isArray()) {
      throw new IllegalArgumentException("limitation: must hold a ports resource with ranges");
    }
    PortRanges ports = PortRanges.empty();
    for (JsonNode r : range) {
      if (!r.path("begin").canConvertToInt() || !r.path("end").canConvertToInt()) {
        throw new IllegalArgumentException("limitation: a range needs a begin and an end");
      }
      ports = ports.union(PortRanges.range(r.get("begin").intValue(), r.get("end").intValue()));
    }
    return ports;
  }

  private static String value(JsonNode json, String name) {
    JsonNode node = json.path(name).path("value");
    if (!node.isTextual()) {
      throw new IllegalArgumentException(name + ": must be {\"value\": string}");
    }
    return node.textValue();
  }

  private static String text(JsonNode json, String name) {
    JsonNode node = json.get(name);
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException(name + ": must be a string");
    }
    return node.textValue();
  }

  private static Optional<String> optionalText(JsonNode json, String name) {
    return json.has(name) ? Optional.of(text(json, name)) : Optional.empty();
  }
}
