package dev.portcullis.agent;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one task's status updates, one JSON object per line, shaped like the Mesos v1 {@code
 * TaskStatus}:
 *
 * <pre>{@code
 * {"task_id":{"value":"t"},"container_id":{"value":"c"},"state":"TASK_FAILED",
 *  "source":"SOURCE_AGENT","timestamp":1712345678.123456,
 *  "reason":"REASON_CONTAINER_LIMITATION","message":"Container c is listening on ...",
 *  "limitation":{"resources":[{"name":"ports","type":"RANGES",
 *                              "ranges":{"range":[{"begin":8080,"end":8080}]}}]}}
 * }</pre>
 *
 * <p>Each line is flushed at once, since a reader may be waiting for it. Not thread-safe: one
 * thread reports a run's updates.
 */
final class StatusUpdates {

  private static final Logger LOG = LoggerFactory.getLogger(StatusUpdates.class);

  private final ObjectMapper json =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private final PrintWriter out;
  private final String taskId;
  private final ContainerId container;
  private final Clock clock;
  private boolean outputFailed;

  StatusUpdates(PrintWriter out, String taskId, ContainerId container, Clock clock) {
    this.out = out;
    this.taskId = taskId;
    this.container = container;
    this.clock = clock;
  }

  /** Reports a non-terminal state, without message. */
  void send(TaskState state) {
    write(update(state));
  }

  /** Reports how the task ended. */
  void send(Termination termination) {
    ObjectNode update = update(termination.state());
    termination.reason().ifPresent(reason -> update.put("reason", reason));
    update.put("message", termination.message());
    termination.limitedPorts().ifPresent(ports -> update.set("limitation", limitation(ports)));
    write(update);
  }

  private ObjectNode update(TaskState state) {
    ObjectNode update = json.createObjectNode();
    update.putObject("task_id").put("value", taskId);
    update.putObject("container_id").put("value", container.toString());
    update.put("state", state.name());
    update.put("source", "SOURCE_AGENT");
    update.put("timestamp", seconds(clock.instant()));
    return update;
  }

  /** Seconds since the epoch to the microsecond, as Mesos's double, written without exponent. */
  private static BigDecimal seconds(Instant instant) {
    return BigDecimal.valueOf(instant.getEpochSecond())
        .add(BigDecimal.valueOf(instant.getNano() / 1_000, 6));
  }

  /** The Mesos {@code TaskStatus.limitation}: the unallocated ports as a RANGES resource. */
  private ObjectNode limitation(PortRanges ports) {
    ObjectNode limitation = json.createObjectNode();
    ObjectNode resource = limitation.putArray("resources").addObject();
    resource.put("name", ContainerLimitation.RESOURCE_NAME);
    resource.put("type", "RANGES");
    ArrayNode ranges = resource.putObject("ranges").putArray("range");
    for (PortRanges.Range range : ports.ranges()) {
      ranges.addObject().put("begin", range.begin()).put("end", range.end());
    }
    return limitation;
  }

  private void write(ObjectNode update) {
    String line;
    try {
      line = json.writeValueAsString(update);
    } catch (JsonProcessingException e) {
      // A tree of strings and numbers always serializes; failing here is a bug, not an input.
      throw new UncheckedIOException(e);
    }
    out.println(line);
    out.flush();
    if (out.checkError() && !outputFailed) {
      outputFailed = true;
      LOG.warn("Cannot write status updates to standard output (closed?); the task goes on");
    }
  }
}
