package dev.portcullis.agent;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.api.ContainerId;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one task's status updates, one JSON object per line, in the shape of {@link TaskStatus}.
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
    write(TaskStatus.of(Optional.empty(), taskId, container, state, clock.instant()).toJson());
  }

  /** Reports how the task ended. */
  void send(Termination termination) {
    write(
        TaskStatus.of(Optional.empty(), taskId, container, termination, clock.instant()).toJson());
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
