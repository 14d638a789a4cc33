package dev.portcullis.agent.updates;

import dev.portcullis.agent.executor.TaskStatus;
import java.util.Objects;

/**
 * One status update as the {@link UpdateLog} numbered it.
 *
 * @param sequence its sequence number, at least 1; later updates have higher ones
 * @param update the update
 */
public record SequencedUpdate(long sequence, TaskStatus update) {

  /** Checks for nulls and that the sequence number is at least 1. */
  public SequencedUpdate {
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence numbers start at 1, not " + sequence);
    }
    Objects.requireNonNull(update, "update");
  }
}
