package dev.portcullis.agent.http;

import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every status update to every reader of {@code /v1/events}, each through a queue of its own.
 * Publishing never waits: a reader whose queue is full has fallen too far behind, and is dropped
 * with one last line saying so, rather than slowing the agent or any other reader.
 */
public final class StatusStream {

  private static final Logger LOG = LoggerFactory.getLogger(StatusStream.class);

  /** Updates a reader may lag behind before it is dropped. */
  static final int BACKLOG = 4096;

  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();
  private boolean closed; // guarded by this

  /** A reader from now on; it sees every update published after this call. */
  synchronized Subscription subscribe() {
    return subscribe(List.of());
  }

  /**
   * A reader that first receives {@code replay}, then every update published after this call. The
   * replay does not count towards the backlog: it is read from memory the log holds anyway.
   */
  synchronized Subscription subscribe(List<String> replay) {
    Subscription subscription = new Subscription(replay);
    if (closed) {
      subscription.end(Optional.empty());
    } else {
      subscriptions.add(subscription);
    }
    return subscription;
  }

  /**
   * Offers one line to every reader; never blocks. A queue is never filled to the brim: the last
   * slot is kept for the end of the stream, which must always fit.
   */
  public synchronized void publish(String line) {
    if (closed) {
      return;
    }
    for (Subscription subscription : List.copyOf(subscriptions)) {
      if (subscription.queue.size() >= BACKLOG || !subscription.queue.offer(Line.of(line))) {
        subscriptions.remove(subscription);
        dropped.incrementAndGet();
        LOG.warn("Dropping a status update reader {} updates behind", BACKLOG);
        subscription.end(
            Optional.of(
                "{\"error\":\"this reader fell "
                    + BACKLOG
                    + " status updates behind and was dropped; read /v1/executors for the"
                    + " current states\"}"));
      }
    }
  }

  /** Ends every stream; later readers get an empty one. */
  synchronized void close() {
    closed = true;
    for (Subscription subscription : subscriptions) {
      subscription.end(Optional.empty());
    }
    subscriptions.clear();
  }

  int readers() {
    return subscriptions.size();
  }

  /** Readers dropped for falling behind, since the agent started. */
  long dropped() {
    return dropped.get();
  }

  /** One item of a reader's queue: a line to send, or the end of the stream. */
  private record Line(Optional<String> text) {
    static Line of(String text) {
      return new Line(Optional.of(text));
    }

    static final Line END = new Line(Optional.empty());
  }

  /** One reader's queue. */
  final class Subscription implements AutoCloseable {

    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(BACKLOG + 1);
    private final Deque<String> replay;
    private volatile Optional<String> farewell = Optional.empty();
    private volatile boolean ended;

    private Subscription(List<String> replay) {
      this.replay = new ConcurrentLinkedDeque<>(replay);
    }

    /**
     * The next line, waiting at most {@code millis}; empty if none came in time or the stream has
     * ended (see {@link #ended()}).
     */
    Optional<String> next(long millis) throws InterruptedException {
      String replayed = replay.poll();
      if (replayed != null) {
        return Optional.of(replayed);
      }
      if (ended && queue.isEmpty()) {
        return Optional.empty();
      }
      Line line = queue.poll(millis, TimeUnit.MILLISECONDS);
      if (line == null) {
        return Optional.empty();
      }
      if (line.text().isEmpty()) {
        ended = true;
        Optional<String> last = farewell;
        farewell = Optional.empty();
        return last;
      }
      return line.text();
    }

    /** Whether no more lines will come. */
    boolean ended() {
      return ended && queue.isEmpty() && replay.isEmpty();
    }

    /** Ends the stream after the lines queued, and after {@code last}, if given. */
    private void end(Optional<String> last) {
      if (last.isPresent()) {
        // The reader is too far behind to care for what it has not read: the farewell goes now.
        queue.clear();
        replay.clear();
      }
      farewell = last;
      queue.offer(Line.END);
    }

    /** Stops receiving updates, as when the reader has gone. */
    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }
}
