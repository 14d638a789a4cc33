package dev.portcullis.agent.http;

import dev.portcullis.agent.executor.StatusSink;
import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.agent.status.StatusJson;
import dev.portcullis.agent.updates.SequencedUpdate;
import dev.portcullis.agent.updates.UpdateLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's status updates, in one order: each is appended durably to the update log, which
 * numbers it, and only then handed to the readers of {@code /v1/events}. A reader may start after a
 * sequence number: it receives every retained update after it, then the live ones, with no gap and
 * no duplicate at the seam, because both are taken under one lock.
 */
public final class StatusFeed implements StatusSink {

  private final UpdateLog log;
  private final StatusStream stream;

  public StatusFeed(UpdateLog log, StatusStream stream) {
    this.log = log;
    this.stream = stream;
  }

  /**
   * Appends the update and hands it to the readers once it is durable. One the log could not write
   * is held, and handed over after the next write that succeeds, in order.
   */
  @Override
  public synchronized void publish(TaskStatus update) {
    hand(log.append(update));
  }

  /** Writes the updates held since a failed write, if any, and hands them to the readers. */
  public synchronized void retryPending() {
    hand(log.retryPending());
  }

  private void hand(List<SequencedUpdate> durable) {
    for (SequencedUpdate update : durable) {
      stream.publish(StatusJson.line(update.update(), update.sequence()));
    }
  }

  /** The stream the updates are handed to. */
  StatusStream stream() {
    return stream;
  }

  /** A reader of the updates published from now on. */
  synchronized StatusStream.Subscription subscribe() {
    return stream.subscribe();
  }

  /**
   * A reader of every retained update after {@code after}, then of those published from now on.
   *
   * @throws BadRequest if {@code after} is beyond the last update given a number, or if updates
   *     after it are no longer kept (acknowledged, or dropped over the bound): then the reader
   *     would miss some, and is told so rather than given a gap
   */
  synchronized StatusStream.Subscription subscribe(long after) {
    long last = log.lastSequence();
    if (after > last) {
      throw BadRequest.field(
          "after",
          "after="
              + after
              + " is beyond the last status update, "
              + last
              + ": sequence numbers only grow, so it was not given by this agent");
    }
    long floor = log.floor();
    if (after < floor) {
      throw BadRequest.status(
          410,
          "status updates "
              + (after + 1)
              + " to "
              + floor
              + " are no longer kept (acknowledged, or dropped over"
              + " --max_unacknowledged_updates); ask with after="
              + floor
              + " or later, and read /v1/executors for the current states");
    }
    List<String> replay = new ArrayList<>();
    for (SequencedUpdate update : log.after(after)) {
      replay.add(StatusJson.line(update.update(), update.sequence()));
    }
    return stream.subscribe(replay);
  }

  /**
   * Acknowledges every update up to {@code upTo}: they need no longer be kept.
   *
   * @return the sequence number acknowledged now, never lower than before
   * @throws BadRequest if {@code upTo} is beyond the last update given a number
   * @throws IOException if the acknowledgement cannot be recorded; nothing changed
   */
  long acknowledge(long upTo) throws IOException {
    try {
      return log.acknowledge(upTo);
    } catch (IllegalArgumentException e) {
      throw BadRequest.field("sequence", e.getMessage());
    }
  }

  /** What the log holds and did, for the metrics. */
  UpdateLog.Figures figures() {
    return log.figures();
  }
}
