package dev.portcullis.agent.updates;

/** One record of the status update log; {@link UpdateLog} documents the format. */
sealed interface LogRecord {

  /** An update and its sequence number. */
  record Update(SequencedUpdate update) implements LogRecord {}

  /** Every update up to {@code upTo} is acknowledged. */
  record Acknowledged(long upTo) implements LogRecord {}

  /**
   * Every update up to {@code upTo} is no longer retained; before a file's first update, also where
   * its numbering continues.
   */
  record Floor(long upTo) implements LogRecord {}
}
