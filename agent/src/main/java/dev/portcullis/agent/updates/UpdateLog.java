package dev.portcullis.agent.updates;

import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.api.ContainerId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent daemon's status updates, numbered and durable: every update gets a sequence number
 * higher than any given before, across restarts, and is written and forced to disk before {@link
 * #append} returns it, so that it is published or served only once it would survive a crash.
 * Readers replay the retained updates after a sequence number with {@link #after}. A client
 * acknowledges up to a sequence number; acknowledged updates are no longer retained, and of the
 * unacknowledged ones at most {@code maxRetained}, the newest: older ones are dropped, with a
 * warning. {@link #floor()} says up to where updates are no longer retained.
 *
 * <p>An append that cannot be written does not fail: its update keeps its number and stays pending,
 * and is written before any later one, so that updates become durable in order and without gaps.
 *
 * <p>The log is {@value #FILE_NAME} in the work directory, one record per line, in UTF-8:
 *
 * <pre>{@code
 * <CRC32C of the JSON's bytes, 8 lowercase hex digits> <JSON, on one line>\n
 * }</pre>
 *
 * <p>There are three kinds of record:
 *
 * <ul>
 *   <li>{@code {"sequence":N,"update":U}}: update number N, U as {@link
 *       dev.portcullis.agent.status.StatusJson} writes it. Numbers are consecutive: the first
 *       update of a file is 1, or one more than the floor record before it;
 *   <li>{@code {"acknowledged":N}}: every update up to N is acknowledged; N is no higher than the
 *       last update before it, and no lower than an acknowledgement before it;
 *   <li>{@code {"floor":N}}: every update up to N is no longer retained, acknowledged or dropped
 *       over the bound; N is no lower than the floor before it. Before any update, a floor record
 *       also says where numbering continues: a compacted file and one started afresh begin with
 *       one.
 * </ul>
 *
 * <p>For example, a log compacted when the checkpoint reflected every update up to 40 holds 41 to
 * 43 still, for recovery, but retains only 43, having 42 acknowledged:
 *
 * <pre>{@code
 * 51b75ca0 {"floor":40}
 * e800cd73 {"sequence":41,"update":{"task_id":{"value":"t1"},"executor_id":{"value":"e1"},"container_id":{"value":"e1.t1"},"state":"TASK_RUNNING","source":"SOURCE_AGENT","timestamp":1712345678.123456}}
 * 366a4951 {"sequence":42,"update":{"task_id":{"value":"t2"},"executor_id":{"value":"e1"},"container_id":{"value":"e1.t2"},"state":"TASK_RUNNING","source":"SOURCE_AGENT","timestamp":1712345679.000000}}
 * b8b7c03e {"sequence":43,"update":{"task_id":{"value":"t1"},"executor_id":{"value":"e1"},"container_id":{"value":"e1.t1"},"state":"TASK_KILLED","source":"SOURCE_AGENT","timestamp":1712345680.500000,"message":"Killed on request"}}
 * 76f26c4e {"floor":42}
 * 5eea60a6 {"acknowledged":42}
 * }</pre>
 *
 * <p>The log is read strictly when opened. Only the last record may be bad: one without its line
 * end, or bad in any way with nothing after it, is torn, left by a crash in the middle of an append
 * that was never reported durable, and is cut off with a warning. A bad record anywhere else is
 * corruption, and opening fails naming the file and the record's byte offset.
 *
 * <p>Compaction keeps the file from growing without bound: once it holds many records no longer
 * needed (updates at or below both the floor and what the agent's checkpoint reflects, see {@link
 * #reflectedUpTo}, and superseded acknowledgement and floor records), it is rewritten with only the
 * needed ones, to a temporary file that is then renamed over it.
 *
 * <p>Thread-safe: every method that reads or changes the state is synchronized.
 */
public final class UpdateLog implements AutoCloseable {

  /** The log's name in the work directory. */
  public static final String FILE_NAME = "status_updates.log";

  /** How many records no longer needed the file may hold, at least, before it is compacted. */
  static final int COMPACT_AFTER = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(UpdateLog.class);
  private static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

  private final LogFile log;
  private final Path file;
  private final int maxRetained;
  private final int compactAfter;
  private final Optional<Path> discarded;
  private final Map<ContainerId, TaskStatus> lastReportedAtOpen;
  private final Throttle dropWarnings = new Throttle(WARNING_INTERVAL);
  private final Throttle failureWarnings = new Throttle(WARNING_INTERVAL);

  // The durable updates the file holds, consecutive: held.get(i) is number heldBase + 1 + i.
  private final List<SequencedUpdate> held;
  private long heldBase;
  private final List<SequencedUpdate> pending = new ArrayList<>();
  private long lastSequence;
  private long floor;
  private long acknowledged;
  private long reflected;
  private long records;
  // After a failed compaction, the next is tried only once the file has grown again.
  private long compactNotBefore;
  private long dropped;
  private long droppedUnwarned;
  private long writeFailures;
  private boolean failing;
  private long compactions;
  private boolean closed;

  private UpdateLog(
      LogFile log,
      LogReader.Contents contents,
      int maxRetained,
      int compactAfter,
      Optional<Path> discarded) {
    this.log = log;
    this.file = log.file();
    this.maxRetained = maxRetained;
    this.compactAfter = compactAfter;
    this.discarded = discarded;
    this.held = new ArrayList<>(contents.updates());
    this.heldBase = contents.lastSequence() - contents.updates().size();
    this.lastSequence = contents.lastSequence();
    this.floor = contents.floor();
    this.acknowledged = contents.acknowledged();
    this.records = contents.records();
    Map<ContainerId, TaskStatus> last = new HashMap<>();
    for (SequencedUpdate update : contents.updates()) {
      last.put(update.update().container(), update.update());
    }
    this.lastReportedAtOpen = Map.copyOf(last);
  }

  /**
   * Opens the log in {@code workDir}, creating it if absent, and reads it strictly. A torn final
   * record is cut off: the file is truncated durably to the end of the last whole record, and a
   * warning names how many bytes were dropped at which offset. If more than {@code maxRetained}
   * updates are retained, the oldest are dropped, durably.
   *
   * @param maxRetained how many unacknowledged updates to retain at most, at least 1
   * @throws UpdateLogException if the log is corrupt, or cannot be opened, read or repaired
   */
  public static UpdateLog open(Path workDir, int maxRetained) throws UpdateLogException {
    return open(workDir, maxRetained, COMPACT_AFTER, FileChannel::open);
  }

  /**
   * {@link #open(Path, int)}, compacting sooner, and with its channels opened by {@code opener}.
   */
  static UpdateLog open(Path workDir, int maxRetained, int compactAfter, LogFile.Opener opener)
      throws UpdateLogException {
    return open(workDir, maxRetained, compactAfter, opener, Optional.empty());
  }

  private static UpdateLog open(
      Path workDir,
      int maxRetained,
      int compactAfter,
      LogFile.Opener opener,
      Optional<Path> discarded)
      throws UpdateLogException {
    checkBound(maxRetained);
    Path file = workDir.resolve(FILE_NAME);
    LogFile log;
    try {
      log = LogFile.open(file, opener);
    } catch (IOException e) {
      throw new UpdateLogException("cannot open the status update log " + file + ": " + e, e);
    }
    try {
      UpdateLog updates = new UpdateLog(log, read(file, log), maxRetained, compactAfter, discarded);
      updates.boundAtOpen();
      return updates;
    } catch (UpdateLogException | RuntimeException e) {
      try {
        log.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static LogReader.Contents read(Path file, LogFile log) throws UpdateLogException {
    byte[] bytes;
    try {
      bytes = log.readAll();
    } catch (IOException e) {
      throw new UpdateLogException("cannot read the status update log " + file + ": " + e, e);
    }
    LogReader.Contents contents = LogReader.strictly(file, bytes);
    if (contents.torn().isPresent()) {
      try {
        log.cutTo(contents.length());
      } catch (IOException e) {
        throw new UpdateLogException(
            "cannot cut the torn last record off the status update log " + file + ": " + e, e);
      }
      LOG.warn(
          "The status update log {} ended in a torn record ({}): dropped its {} bytes at byte"
              + " offset {}",
          file,
          contents.torn().get(),
          bytes.length - contents.length(),
          contents.length());
    }
    return contents;
  }

  /**
   * Starts a fresh, empty log in {@code workDir}, for {@code --recover=cleanup}: an existing log,
   * even a corrupt one, is moved aside to {@code status_updates.log.discarded-<millis>} (see {@link
   * #discarded()}), and the fresh one numbers its updates after the highest sequence number in any
   * record of the old one that can still be read, so that numbers still only grow. At every instant
   * there is a whole log, the old or the fresh one.
   *
   * @param maxRetained how many unacknowledged updates to retain at most, at least 1
   * @throws IOException if the old log cannot be read or moved aside, or the fresh one written
   */
  public static UpdateLog openAfresh(Path workDir, int maxRetained) throws IOException {
    checkBound(maxRetained);
    Path file = workDir.resolve(FILE_NAME);
    Optional<Path> aside = Optional.empty();
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      long highest = LogReader.highestSequence(Files.readAllBytes(file));
      Path to = workDir.resolve(FILE_NAME + ".discarded-" + System.currentTimeMillis());
      LogFile.replaceKeepingAside(file, to, RecordLines.line(new LogRecord.Floor(highest)));
      aside = Optional.of(to);
      LOG.warn("Moved the old status update log to {}; numbering continues after {}", to, highest);
    }
    try {
      return open(workDir, maxRetained, COMPACT_AFTER, FileChannel::open, aside);
    } catch (UpdateLogException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static void checkBound(int maxRetained) {
    if (maxRetained < 1) {
      throw new IllegalArgumentException(
          "the status update log must retain at least 1 update, not " + maxRetained);
    }
  }

  /** Where {@link #openAfresh} moved the old log, if there was one. */
  public Optional<Path> discarded() {
    return discarded;
  }

  /**
   * Gives {@code update} the next sequence number and appends it durably, after any pending
   * updates.
   *
   * <p>Never fails for an I/O error: if the write or the force fails, the failure is logged and
   * counted (see {@link #writeFailures()}), the file is cut back to the end of its last whole
   * record, and the update stays pending, with its number, to be written first by the next append
   * or {@link #retryPending()}.
   *
   * @return the updates that became durable with this call, in order: normally just this one, but
   *     none if writing failed, and earlier pending ones too once writing succeeds again
   * @throws IllegalStateException if the log is closed
   */
  public synchronized List<SequencedUpdate> append(TaskStatus update) {
    Objects.requireNonNull(update, "update");
    checkOpen();
    lastSequence++;
    pending.add(new SequencedUpdate(lastSequence, update));
    return writePending();
  }

  /**
   * Writes the pending updates, if any, as {@link #append} does.
   *
   * @return the updates that became durable, in order
   * @throws IllegalStateException if the log is closed
   */
  public synchronized List<SequencedUpdate> retryPending() {
    checkOpen();
    return writePending();
  }

  private List<SequencedUpdate> writePending() {
    if (pending.isEmpty()) {
      return List.of();
    }
    long raised = boundedFloor(pending.get(pending.size() - 1).sequence());
    List<LogRecord> batch = new ArrayList<>(pending.size() + 1);
    for (SequencedUpdate update : pending) {
      batch.add(new LogRecord.Update(update));
    }
    if (raised > floor) {
      // In the same write, so that the file never retains more than the bound for long.
      batch.add(new LogRecord.Floor(raised));
    }
    try {
      log.append(RecordLines.lines(batch));
    } catch (IOException e) {
      failed(pending.size() + " status updates", e);
      return List.of();
    }
    writing();
    List<SequencedUpdate> written = List.copyOf(pending);
    pending.clear();
    held.addAll(written);
    records += batch.size();
    drop(raised);
    compactIfWorthwhile();
    return written;
  }

  /**
   * Acknowledges every update up to {@code upTo}, durably, with an acknowledgement record; one at
   * or below the current acknowledgement does nothing. Acknowledged updates are no longer retained
   * for replay.
   *
   * @return the acknowledged sequence number afterwards
   * @throws IllegalArgumentException if {@code upTo} is negative or beyond {@link #lastSequence()}
   * @throws IOException if it cannot be recorded; then nothing changed. That includes an update
   *     still pending, which cannot be acknowledged before it is written.
   * @throws IllegalStateException if the log is closed
   */
  public synchronized long acknowledge(long upTo) throws IOException {
    checkOpen();
    if (upTo < 0 || upTo > lastSequence) {
      throw new IllegalArgumentException(
          "cannot acknowledge up to " + upTo + ": the last status update is " + lastSequence);
    }
    if (upTo <= acknowledged) {
      return acknowledged;
    }
    if (upTo > lastDurable()) {
      // A record beyond the file's last update would make it corrupt; and no client saw it yet.
      throw new IOException(
          "cannot acknowledge up to "
              + upTo
              + ": the status updates from "
              + (lastDurable() + 1)
              + " on are not written yet to "
              + file);
    }
    try {
      log.append(RecordLines.line(new LogRecord.Acknowledged(upTo)));
    } catch (IOException e) {
      failed("an acknowledgement", e);
      throw e;
    }
    writing();
    records++;
    acknowledged = upTo;
    floor = Math.max(floor, upTo);
    compactIfWorthwhile();
    return acknowledged;
  }

  /**
   * The retained durable updates numbered above {@code after}, in order. Callers check {@link
   * #floor()} first: for {@code after} below it, some updates are missing, and this answers with
   * what is retained.
   */
  public synchronized List<SequencedUpdate> after(long after) {
    long from = Math.max(after, floor);
    if (from >= lastDurable()) {
      return List.of();
    }
    return List.copyOf(held.subList((int) (from - heldBase), held.size()));
  }

  /** The highest sequence number given so far, durable or pending; 0 if none ever was. */
  public synchronized long lastSequence() {
    return lastSequence;
  }

  /** The highest sequence number of a durable update; below {@link #lastSequence()} if pending. */
  public synchronized long lastDurable() {
    return heldBase + held.size();
  }

  /**
   * Every update up to this is no longer retained: acknowledged, or dropped over the bound. At
   * least {@link #acknowledged()}.
   */
  public synchronized long floor() {
    return floor;
  }

  /** Every update up to this is acknowledged. */
  public synchronized long acknowledged() {
    return acknowledged;
  }

  /**
   * What the log holds and did, read at one instant, for the metrics.
   *
   * @param lastSequence the last sequence number given
   * @param acknowledged the sequence number acknowledged up to
   * @param retained updates kept for readers
   * @param dropped updates dropped unacknowledged over the bound
   * @param writeFailures appends and acknowledgements that could not be written
   * @param compactions rewrites of the log
   */
  public record Figures(
      long lastSequence,
      long acknowledged,
      int retained,
      long dropped,
      long writeFailures,
      long compactions) {}

  /** What the log holds and did, read at one instant. */
  public synchronized Figures figures() {
    return new Figures(lastSequence, acknowledged, retained(), dropped, writeFailures, compactions);
  }

  /** How many updates are retained: durable, and numbered above {@link #floor()}. */
  public synchronized int retained() {
    return (int) (lastDurable() - floor);
  }

  /** How many updates were dropped unacknowledged, over the bound, since the log was opened. */
  public synchronized long dropped() {
    return dropped;
  }

  /** How many appends, acknowledgements and compactions failed to be written since opened. */
  public synchronized long writeFailures() {
    return writeFailures;
  }

  /** How many times the file was compacted since opened. */
  public synchronized long compactions() {
    return compactions;
  }

  /**
   * The last update of every task container among every update the file held when it was opened,
   * retained or not, acknowledged or not, keyed by the task's container, which is unique per launch
   * where task ids may be reused. For recovery: it tells what was already reported. It holds every
   * update above {@code min(floor, reflectedUpTo)} before the restart; older ones may be compacted
   * away.
   */
  public Map<ContainerId, TaskStatus> lastReportedAtOpen() {
    return lastReportedAtOpen;
  }

  /**
   * Says that the agent's checkpoint now reflects every update up to {@code sequence}. Until it
   * does, updates stay in the file, though not retained for replay, so that recovery can still tell
   * what was reported; after, compaction may drop updates up to the lower of {@link #floor()} and
   * {@code sequence}. A lower number than before changes nothing.
   *
   * @throws IllegalStateException if the log is closed
   */
  public synchronized void reflectedUpTo(long sequence) {
    checkOpen();
    if (sequence > reflected) {
      reflected = sequence;
      compactIfWorthwhile();
    }
  }

  /** The log's file. */
  public Path file() {
    return file;
  }

  /** Closes the file; pending updates are lost. Closing again does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!pending.isEmpty()) {
      LOG.warn(
          "Closing the status update log {} with {} status updates never written",
          file,
          pending.size());
    }
    try {
      log.close();
    } catch (IOException e) {
      LOG.warn("Cannot close the status update log {}: {}", file, e.toString());
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the status update log " + file + " is closed");
    }
  }

  /** The floor once updates up to {@code last} are durable: the bound raises it, if need be. */
  private long boundedFloor(long last) {
    return Math.max(floor, last - maxRetained);
  }

  private void boundAtOpen() throws UpdateLogException {
    // Fewer may be retained now than when the log was written, or a floor record may have torn.
    long raised = boundedFloor(lastDurable());
    if (raised > floor) {
      try {
        log.append(RecordLines.line(new LogRecord.Floor(raised)));
      } catch (IOException e) {
        throw new UpdateLogException("cannot write the status update log " + file + ": " + e, e);
      }
      records++;
      drop(raised);
    }
  }

  private void drop(long raised) {
    if (raised <= floor) {
      return;
    }
    dropped += raised - floor;
    droppedUnwarned += raised - floor;
    floor = raised;
    if (dropWarnings.allow()) {
      LOG.warn(
          "Dropped {} unacknowledged status updates: the status update log {} retains at most {};"
              + " every update up to {} is no longer retained",
          droppedUnwarned,
          file,
          maxRetained,
          floor);
      droppedUnwarned = 0;
    }
  }

  private void failed(String what, IOException e) {
    writeFailures++;
    failing = true;
    if (failureWarnings.allow()) {
      LOG.error(
          "Cannot write {} to the status update log {} ({} failures so far): {}",
          what,
          file,
          writeFailures,
          e.toString());
    }
  }

  private void writing() {
    if (failing) {
      failing = false;
      LOG.info("The status update log {} is written again", file);
    }
  }

  /**
   * Rewrites the file with only the records still needed, once it holds more records that are no
   * longer needed than the threshold or than what is retained, so that the rewrite's cost is spread
   * over as many appends as it writes records.
   */
  private void compactIfWorthwhile() {
    long keepAbove = Math.max(heldBase, Math.min(floor, reflected));
    long needed =
        1 + lastDurable() - keepAbove + (floor > keepAbove ? 1 : 0) + (acknowledged > 0 ? 1 : 0);
    long unneeded = records - needed;
    if (unneeded <= Math.max(compactAfter, retained()) || records < compactNotBefore) {
      return;
    }
    List<LogRecord> kept = new ArrayList<>();
    kept.add(new LogRecord.Floor(keepAbove));
    int first = (int) (keepAbove - heldBase);
    for (SequencedUpdate update : held.subList(first, held.size())) {
      kept.add(new LogRecord.Update(update));
    }
    if (floor > keepAbove) {
      kept.add(new LogRecord.Floor(floor));
    }
    if (acknowledged > 0) {
      kept.add(new LogRecord.Acknowledged(acknowledged));
    }
    try {
      log.replace(RecordLines.lines(kept));
    } catch (IOException e) {
      failed("a compaction", e);
      compactNotBefore = records + compactAfter;
      return;
    }
    writing();
    held.subList(0, first).clear();
    heldBase = keepAbove;
    records = kept.size();
    compactNotBefore = 0;
    compactions++;
  }
}
