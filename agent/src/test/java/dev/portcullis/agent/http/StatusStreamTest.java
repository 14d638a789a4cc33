package dev.portcullis.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fan-out of status updates to the readers of {@code /v1/events}. */
class StatusStreamTest {

  /** Long enough for a line already queued; the tests never wait for one that is not. */
  private static final long WAIT = 5_000;

  /** For lines that must not come: any wait shows only that none is queued. */
  private static final long NONE = 20;

  /** A bound on what must not block, so that a regression fails instead of hanging the build. */
  private static final Duration NEVER_BLOCKS = Duration.ofSeconds(60);

  private static String line(int i) {
    return "{\"n\":" + i + "}";
  }

  /** Reads every line until the stream ends, failing if it does not end. */
  private static List<String> drain(StatusStream.Subscription subscription)
      throws InterruptedException {
    List<String> lines = new ArrayList<>();
    while (!subscription.ended()) {
      Optional<String> next = subscription.next(WAIT);
      if (next.isPresent()) {
        lines.add(next.get());
      } else {
        assertTrue(subscription.ended(), "no line came and the stream did not end");
      }
    }
    return lines;
  }

  @Test
  void aReaderGetsWhatIsPublishedAfterItSubscribedInOrder() throws Exception {
    StatusStream stream = new StatusStream();
    stream.publish("before");
    StatusStream.Subscription reader = stream.subscribe();
    for (int i = 0; i < 100; i++) {
      stream.publish(line(i));
    }
    for (int i = 0; i < 100; i++) {
      assertEquals(Optional.of(line(i)), reader.next(WAIT));
    }
    assertEquals(Optional.empty(), reader.next(NONE));
    assertFalse(reader.ended());
  }

  @Test
  void aWaitingReaderIsWokenByAPublish() throws Exception {
    StatusStream stream = new StatusStream();
    StatusStream.Subscription reader = stream.subscribe();
    CompletableFuture<Optional<String>> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return reader.next(60_000);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    stream.publish("wake");
    assertEquals(Optional.of("wake"), read.get(60, TimeUnit.SECONDS));
  }

  @Test
  void everyReaderGetsEveryLine() throws Exception {
    StatusStream stream = new StatusStream();
    StatusStream.Subscription first = stream.subscribe();
    StatusStream.Subscription second = stream.subscribe();
    for (int i = 0; i < 10; i++) {
      stream.publish(line(i));
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(Optional.of(line(i)), first.next(WAIT));
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(Optional.of(line(i)), second.next(WAIT));
    }
    StatusStream.Subscription third = stream.subscribe();
    stream.publish("later");
    assertEquals(Optional.of("later"), first.next(WAIT));
    assertEquals(Optional.of("later"), second.next(WAIT));
    assertEquals(Optional.of("later"), third.next(WAIT));
  }

  @Test
  void aReaderThatKeepsUpWithinTheBacklogIsNeverDropped() throws Exception {
    StatusStream stream = new StatusStream();
    StatusStream.Subscription reader = stream.subscribe();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < StatusStream.BACKLOG; i++) {
        stream.publish(line(i));
      }
      for (int i = 0; i < StatusStream.BACKLOG; i++) {
        assertEquals(Optional.of(line(i)), reader.next(WAIT));
      }
    }
    assertEquals(0, stream.dropped());
    assertEquals(1, stream.readers());
    assertFalse(reader.ended());
  }

  @Test
  void aReaderThatFallsTooFarBehindIsDroppedWithOneLastLine() throws Exception {
    StatusStream stream = new StatusStream();
    StatusStream.Subscription slow = stream.subscribe();
    StatusStream.Subscription fast = stream.subscribe();
    assertEquals(2, stream.readers());

    int total = StatusStream.BACKLOG * 3;
    for (int i = 0; i < total; i++) {
      stream.publish(line(i));
      // The fast reader reads each line as it comes, in this thread: never behind.
      assertEquals(Optional.of(line(i)), fast.next(WAIT));
    }

    assertEquals(1, stream.dropped());
    assertEquals(1, stream.readers());
    // The slow reader gets no more of the updates, only the reason it was dropped, then the end.
    Optional<String> last = slow.next(WAIT);
    assertTrue(last.isPresent(), "the dropped reader is told why");
    JsonNode error = new ObjectMapper().readTree(last.get());
    assertTrue(error.isObject() && error.size() == 1, last.get());
    assertTrue(error.get("error").isTextual(), last.get());
    assertTrue(
        error.get("error").textValue().contains(String.valueOf(StatusStream.BACKLOG)), last.get());
    assertTrue(slow.ended());
    assertEquals(Optional.empty(), slow.next(NONE));
    assertTrue(slow.ended());

    // The fast reader goes on.
    stream.publish("after");
    assertEquals(Optional.of("after"), fast.next(WAIT));
    assertFalse(fast.ended());
    assertEquals(Optional.empty(), slow.next(NONE));
  }

  @Test
  void publishingNeverWaitsForAReaderThatDoesNotRead() throws Exception {
    StatusStream stream = new StatusStream();
    StatusStream.Subscription idle = stream.subscribe();
    assertTimeoutPreemptively(
        NEVER_BLOCKS,
        () -> {
          for (int i = 0; i < StatusStream.BACKLOG * 3; i++) {
            stream.publish(line(i));
          }
        });
    assertEquals(1, stream.dropped());
    assertEquals(0, stream.readers());
    assertTrue(idle.next(NONE).orElseThrow().startsWith("{\"error\":"));
    assertTrue(idle.ended());
  }

  @Test
  void eachReaderThatFallsBehindIsCountedOnce() {
    StatusStream stream = new StatusStream();
    stream.subscribe();
    stream.subscribe();
    stream.subscribe();
    for (int i = 0; i < StatusStream.BACKLOG * 3; i++) {
      stream.publish(line(i));
    }
    assertEquals(3, stream.dropped());
    assertEquals(0, stream.readers());
    // A new reader is not affected by the old ones' fate.
    StatusStream.Subscription fresh = stream.subscribe();
    stream.publish("x");
    assertEquals(1, stream.readers());
    assertEquals(3, stream.dropped());
    assertFalse(fresh.ended());
  }

  @Test
  void closeEndsEveryStreamAfterWhatWasQueued() throws Exception {
    StatusStream stream = new StatusStream();
    StatusStream.Subscription first = stream.subscribe();
    StatusStream.Subscription second = stream.subscribe();
    stream.publish("a");
    stream.publish("b");
    assertEquals(Optional.of("a"), second.next(WAIT));
    stream.close();

    assertEquals(0, stream.readers());
    assertEquals(List.of("a", "b"), drain(first));
    assertEquals(List.of("b"), drain(second));
    assertTrue(first.ended());
    assertTrue(second.ended());
    assertEquals(Optional.empty(), first.next(NONE));
    // Nothing published after the close reaches anyone.
    stream.publish("c");
    assertEquals(Optional.empty(), first.next(NONE));
    assertEquals(0, stream.dropped(), "a closed stream drops nobody");
  }

  @Test
  void closeWakesAWaitingReader() throws Exception {
    StatusStream stream = new StatusStream();
    StatusStream.Subscription reader = stream.subscribe();
    CompletableFuture<Optional<String>> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return reader.next(60_000);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    stream.close();
    assertEquals(Optional.empty(), read.get(60, TimeUnit.SECONDS));
    assertTrue(reader.ended());
  }

  /**
   * A reader whose queue holds as many lines as it can without having been dropped must still see
   * the end of the stream once it has read them, or its server thread waits forever.
   */
  @Test
  void closeEndsAStreamWhoseQueueIsFull() throws Exception {
    // How many lines a reader that never reads can hold before it is dropped.
    StatusStream probe = new StatusStream();
    probe.subscribe();
    int capacity = 0;
    while (probe.dropped() == 0) {
      probe.publish(line(capacity));
      capacity++;
    }
    capacity--;
    assertTrue(capacity >= StatusStream.BACKLOG, "holds " + capacity);

    StatusStream stream = new StatusStream();
    StatusStream.Subscription reader = stream.subscribe();
    for (int i = 0; i < capacity; i++) {
      stream.publish(line(i));
    }
    assertEquals(0, stream.dropped(), "the reader is full but not dropped");
    stream.close();

    for (int i = 0; i < capacity; i++) {
      assertEquals(Optional.of(line(i)), reader.next(WAIT), "line " + i + " of " + capacity);
    }
    assertEquals(Optional.empty(), reader.next(NONE));
    assertTrue(reader.ended(), "after close() and every line read, the stream must have ended");
  }

  @Test
  void aReaderThatSubscribesAfterCloseGetsAnEmptyStream() throws Exception {
    StatusStream stream = new StatusStream();
    stream.close();
    StatusStream.Subscription late = stream.subscribe();
    assertEquals(List.of(), drain(late));
    assertTrue(late.ended());
  }

  /**
   * {@code close()} promises later readers an empty stream; a line published after the close (the
   * agent still reports while the server shuts down) must not follow the end of theirs.
   */
  @Test
  void nothingPublishedAfterCloseReachesALateReader() throws Exception {
    StatusStream stream = new StatusStream();
    stream.close();
    StatusStream.Subscription late = stream.subscribe();
    stream.publish("x");
    assertEquals(List.of(), drain(late));
    assertEquals(Optional.empty(), late.next(NONE));
    assertTrue(late.ended());
  }

  @Test
  void aReaderThatClosesStopsReceiving() throws Exception {
    StatusStream stream = new StatusStream();
    StatusStream.Subscription leaving = stream.subscribe();
    StatusStream.Subscription staying = stream.subscribe();
    stream.publish("a");
    leaving.close();
    assertEquals(1, stream.readers());
    stream.publish("b");
    assertEquals(Optional.of("a"), leaving.next(WAIT));
    assertEquals(Optional.empty(), leaving.next(NONE));
    assertEquals(Optional.of("a"), staying.next(WAIT));
    assertEquals(Optional.of("b"), staying.next(WAIT));
    // Closing twice is harmless, and a reader that left is not a dropped one.
    leaving.close();
    assertEquals(1, stream.readers());
    assertEquals(0, stream.dropped());
    // A reader that left can never be dropped, however much is published.
    for (int i = 0; i < StatusStream.BACKLOG * 3; i++) {
      stream.publish(line(i));
      staying.next(WAIT);
    }
    assertEquals(0, stream.dropped());
  }

  @Test
  void readersCountsTheSubscriptions() {
    StatusStream stream = new StatusStream();
    assertEquals(0, stream.readers());
    StatusStream.Subscription a = stream.subscribe();
    StatusStream.Subscription b = stream.subscribe();
    assertEquals(2, stream.readers());
    a.close();
    assertEquals(1, stream.readers());
    b.close();
    assertEquals(0, stream.readers());
    assertEquals(0, stream.dropped());
  }
}
