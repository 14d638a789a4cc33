package dev.portcullis.agent.updates;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the bytes of a status update log: strictly, at start-up, where only a torn final record is
 * forgiven; or leniently, for what numbering a log that is being discarded had reached.
 */
final class LogReader {

  /**
   * What the file held.
   *
   * @param updates every update record, in order; their sequence numbers are consecutive
   * @param lastSequence the last update's sequence number, or where numbering continues if none
   * @param floor every update up to this is no longer retained; at least {@code acknowledged}
   * @param acknowledged every update up to this is acknowledged
   * @param records how many whole records the file held
   * @param length where the last whole record ends
   * @param torn the torn final record, if any, from {@code length} to the end of the file
   */
  record Contents(
      List<SequencedUpdate> updates,
      long lastSequence,
      long floor,
      long acknowledged,
      int records,
      int length,
      Optional<String> torn) {}

  private LogReader() {}

  /**
   * Reads {@code bytes}, the content of {@code file}.
   *
   * @throws UpdateLogException naming the file and the offset of the first bad record, unless it is
   *     the last
   */
  static Contents strictly(Path file, byte[] bytes) throws UpdateLogException {
    State state = new State();
    int at = 0;
    while (at < bytes.length) {
      int end = lineEnd(bytes, at);
      if (end < 0) {
        return state.contents(at, Optional.of("it has no line end"));
      }
      try {
        state.add(RecordLines.parse(bytes, at, end));
      } catch (RecordLines.BadRecordException e) {
        if (end + 1 == bytes.length) {
          // A crash mid-append leaves at most the last line bad: it was never reported durable.
          return state.contents(at, Optional.of(e.getMessage()));
        }
        throw new UpdateLogException(
            "the status update log "
                + file
                + " is corrupt at byte offset "
                + at
                + ": "
                + e.getMessage());
      }
      at = end + 1;
    }
    return state.contents(at, Optional.empty());
  }

  /**
   * The highest sequence number any readable record of {@code bytes} names, skipping the others; 0
   * if none does.
   */
  static long highestSequence(byte[] bytes) {
    long highest = 0;
    int at = 0;
    while (at < bytes.length) {
      int end = lineEnd(bytes, at);
      int to = end < 0 ? bytes.length : end;
      try {
        highest = Math.max(highest, sequence(RecordLines.parse(bytes, at, to)));
      } catch (RecordLines.BadRecordException e) {
        // Skipped: a discarded log is read for what it can still tell.
      }
      at = to + 1;
    }
    return highest;
  }

  private static long sequence(LogRecord record) {
    if (record instanceof LogRecord.Update u) {
      return u.update().sequence();
    }
    if (record instanceof LogRecord.Acknowledged a) {
      return a.upTo();
    }
    return ((LogRecord.Floor) record).upTo();
  }

  private static int lineEnd(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** The log as read so far, checking each record against what came before. */
  private static final class State {
    private final List<SequencedUpdate> updates = new ArrayList<>();
    private long lastSequence;
    private long floor;
    private long acknowledged;
    private int records;

    void add(LogRecord record) throws RecordLines.BadRecordException {
      if (record instanceof LogRecord.Update u) {
        long sequence = u.update().sequence();
        if (sequence != lastSequence + 1) {
          throw new RecordLines.BadRecordException(
              "update "
                  + sequence
                  + " should be numbered "
                  + (lastSequence + 1)
                  + ": numbers are consecutive");
        }
        updates.add(u.update());
        lastSequence = sequence;
      } else if (record instanceof LogRecord.Acknowledged a) {
        if (a.upTo() > lastSequence) {
          throw new RecordLines.BadRecordException(
              "it acknowledges up to " + a.upTo() + ", beyond the last update, " + lastSequence);
        }
        if (a.upTo() < acknowledged) {
          throw new RecordLines.BadRecordException(
              "it acknowledges up to " + a.upTo() + ", below the earlier " + acknowledged);
        }
        acknowledged = a.upTo();
        floor = Math.max(floor, acknowledged);
      } else if (record instanceof LogRecord.Floor f) {
        if (f.upTo() < floor) {
          throw new RecordLines.BadRecordException(
              "its floor " + f.upTo() + " is below the earlier " + floor);
        }
        if (updates.isEmpty()) {
          // Before any update, a floor says where numbering continues: a fresh or compacted file.
          lastSequence = f.upTo();
        } else if (f.upTo() > lastSequence) {
          throw new RecordLines.BadRecordException(
              "its floor " + f.upTo() + " is beyond the last update, " + lastSequence);
        }
        floor = f.upTo();
      }
      records++;
    }

    Contents contents(int length, Optional<String> torn) {
      return new Contents(
          List.copyOf(updates), lastSequence, floor, acknowledged, records, length, torn);
    }
  }
}
