package dev.portcullis.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.agent.executor.TaskState;
import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.agent.status.StatusJson;
import dev.portcullis.agent.updates.UpdateLog;
import dev.portcullis.api.ContainerId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Status updates through the update log to the readers: numbered, replayed after a sequence number,
 * with no gap and no duplicate at the seam with the live ones.
 */
class StatusFeedTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WAIT = 5_000;

  @TempDir Path workDir;

  private UpdateLog log;
  private StatusFeed feed;

  @BeforeEach
  void open() throws Exception {
    log = UpdateLog.open(workDir, 10_000);
    feed = new StatusFeed(log, new StatusStream());
  }

  @AfterEach
  void close() {
    feed.stream().close();
    log.close();
  }

  private static TaskStatus update(int n) {
    return TaskStatus.of(
        Optional.of("web"),
        "t" + n,
        ContainerId.parse("00000000-0000-0000-0000-000000000001.t" + n),
        TaskState.TASK_RUNNING,
        Instant.ofEpochSecond(1_700_000_000L + n));
  }

  private static long sequence(String line) throws Exception {
    return JSON.readTree(line).get("sequence").longValue();
  }

  private static List<Long> read(StatusStream.Subscription reader, int count) throws Exception {
    List<Long> sequences = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sequences.add(sequence(reader.next(WAIT).orElseThrow(() -> new AssertionError("no line"))));
    }
    return sequences;
  }

  @Test
  void eachLineIsTheUpdateWithItsSequenceNumber() throws Exception {
    StatusStream.Subscription reader = feed.subscribe();
    feed.publish(update(1));
    String line = reader.next(WAIT).orElseThrow();
    assertEquals(1, sequence(line));
    assertEquals(update(1), StatusJson.read(JSON.readTree(line)));
    assertEquals(1, log.lastDurable(), "appended before it was handed over");
  }

  @Test
  void aReaderAfterASequenceNumberGetsTheRetainedOnesThenTheLiveOnes() throws Exception {
    for (int n = 1; n <= 5; n++) {
      feed.publish(update(n));
    }
    StatusStream.Subscription reader = feed.subscribe(2);
    feed.publish(update(6));
    assertEquals(List.of(3L, 4L, 5L, 6L), read(reader, 4));
    assertEquals(Optional.empty(), reader.next(20));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), read(feed.subscribe(0), 6));
    assertEquals(Optional.empty(), feed.subscribe(6).next(20));
  }

  @Test
  void anAfterBeyondTheLastUpdateOrBelowWhatIsKeptIsRefused() throws Exception {
    for (int n = 1; n <= 5; n++) {
      feed.publish(update(n));
    }
    BadRequest beyond = assertThrows(BadRequest.class, () -> feed.subscribe(6));
    assertEquals(400, beyond.status());
    assertEquals(Optional.of("after"), beyond.fieldName());
    assertTrue(
        beyond.getMessage().contains("beyond the last status update, 5"), beyond::getMessage);

    assertEquals(3, feed.acknowledge(3));
    BadRequest gone = assertThrows(BadRequest.class, () -> feed.subscribe(2));
    assertEquals(410, gone.status());
    assertTrue(
        gone.getMessage().startsWith("status updates 3 to 3 are no longer kept"), gone::getMessage);
    assertEquals(List.of(4L, 5L), read(feed.subscribe(3), 2));
  }

  @Test
  void anAcknowledgementBeyondTheLastUpdateIsRefusedAndALowerOneChangesNothing() throws Exception {
    feed.publish(update(1));
    feed.publish(update(2));
    BadRequest refused = assertThrows(BadRequest.class, () -> feed.acknowledge(3));
    assertEquals(Optional.of("sequence"), refused.fieldName());
    assertEquals(2, feed.acknowledge(2));
    assertEquals(2, feed.acknowledge(1), "never goes down");
    assertEquals(2, feed.figures().acknowledged());
    assertEquals(0, feed.figures().retained());
  }

  @Test
  void readersThatJoinWhileUpdatesArePublishedMissNoneAndRepeatNone() throws Exception {
    int total = 2_000;
    CompletableFuture<Void> publisher =
        CompletableFuture.runAsync(
            () -> {
              for (int n = 1; n <= total; n++) {
                feed.publish(update(n));
              }
            });
    List<StatusStream.Subscription> readers = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    while (!publisher.isDone()) {
      long after = ThreadLocalRandom.current().nextLong(log.lastSequence() + 1);
      readers.add(feed.subscribe(after));
      starts.add(after);
      Thread.sleep(1);
    }
    publisher.join();
    assertTrue(readers.size() > 3, "few readers joined: " + readers.size());
    for (int i = 0; i < readers.size(); i++) {
      long after = starts.get(i);
      List<Long> expected = new ArrayList<>();
      for (long n = after + 1; n <= total; n++) {
        expected.add(n);
      }
      assertEquals(expected, read(readers.get(i), expected.size()), "reader after " + after);
      assertEquals(Optional.empty(), readers.get(i).next(20));
    }
  }
}
