package dev.portcullis.agent.updates;

import static dev.portcullis.agent.updates.Statuses.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.agent.executor.TaskState;
import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.agent.executor.Termination;
import dev.portcullis.api.ContainerId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The log's numbering, retention, acknowledgements and compaction, across restarts. */
class UpdateLogTest {

  @TempDir Path workDir;

  /** Appends updates {@code from} to {@code to} of the run, checking each is durable at once. */
  private static List<SequencedUpdate> append(UpdateLog log, int from, int to) {
    List<SequencedUpdate> all = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      List<SequencedUpdate> written = log.append(update(n));
      assertEquals(List.of(new SequencedUpdate(log.lastSequence(), update(n))), written);
      all.addAll(written);
    }
    return all;
  }

  private static List<SequencedUpdate> numbered(long first, int from, int to) {
    List<SequencedUpdate> all = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      all.add(new SequencedUpdate(first + n - from, update(n)));
    }
    return all;
  }

  private List<String> files() throws IOException {
    try (Stream<Path> list = Files.list(workDir)) {
      return list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void theFileIsInTheWorkDirectory() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 10)) {
      assertEquals(workDir.resolve("status_updates.log"), log.file());
      assertEquals(List.of("status_updates.log"), files());
    }
  }

  @Test
  void aNewLogHoldsNothing() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 10)) {
      assertEquals(0, log.lastSequence());
      assertEquals(0, log.lastDurable());
      assertEquals(0, log.floor());
      assertEquals(0, log.acknowledged());
      assertEquals(0, log.retained());
      assertEquals(List.of(), log.after(0));
      assertEquals(Map.of(), log.lastReportedAtOpen());
      assertEquals(Optional.empty(), log.discarded());
      assertEquals(0, Files.size(log.file()));
    }
  }

  @Test
  void updatesAreNumberedFromOneAndReplayedAfterAnyNumber() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 10)) {
      List<SequencedUpdate> all = append(log, 0, 4);
      assertEquals(numbered(1, 0, 4), all);
      assertEquals(all, log.after(0));
      assertEquals(all, log.after(-5));
      assertEquals(all.subList(2, 5), log.after(2));
      assertEquals(List.of(), log.after(5));
      assertEquals(List.of(), log.after(99));
      assertEquals(5, log.lastSequence());
      assertEquals(5, log.lastDurable());
      assertEquals(5, log.retained());
    }
  }

  @Test
  void everyUpdateIsBackAfterAReopenAndNumbersContinue() throws Exception {
    List<SequencedUpdate> before;
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      before = append(log, 0, 9);
    }
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(before, log.after(0));
      assertEquals(10, log.lastSequence());
      assertEquals(Statuses.lastPerContainer(before), log.lastReportedAtOpen());
      assertEquals(4, log.lastReportedAtOpen().size());
      assertEquals(List.of(new SequencedUpdate(11, update(10))), log.append(update(10)));
      // What the file held when opened, not what was appended since.
      assertEquals(Statuses.lastPerContainer(before), log.lastReportedAtOpen());
    }
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(numbered(1, 0, 10), log.after(0));
    }
  }

  @Test
  void theLastReportedAtOpenIsKeyedByContainerNotTaskId() throws Exception {
    TaskStatus killed = update(1).endedBy(new Termination.Killed("Killed on request"));
    ContainerId relaunch = Statuses.container(7);
    TaskStatus relaunched =
        TaskStatus.of(
            killed.executorId(),
            killed.taskId(),
            relaunch,
            TaskState.TASK_RUNNING,
            killed.timestamp().plusSeconds(1));
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      log.append(update(1));
      log.append(killed);
      log.append(relaunched);
      log.acknowledge(3);
    }
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(List.of(), log.after(0));
      assertEquals(
          Map.of(killed.container(), killed, relaunch, relaunched), log.lastReportedAtOpen());
      assertThrows(UnsupportedOperationException.class, () -> log.lastReportedAtOpen().clear());
    }
  }

  @Test
  void anAcknowledgementDropsUpdatesFromReplayDurably() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      List<SequencedUpdate> all = append(log, 0, 4);
      assertEquals(3, log.acknowledge(3));
      assertEquals(3, log.acknowledged());
      assertEquals(3, log.floor());
      assertEquals(2, log.retained());
      assertEquals(all.subList(3, 5), log.after(0));
      assertEquals(all.subList(4, 5), log.after(4));
    }
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(3, log.acknowledged());
      assertEquals(3, log.floor());
      assertEquals(numbered(4, 3, 4), log.after(0));
      assertEquals(5, log.lastSequence());
      // Not retained, but still what was reported.
      assertEquals(4, log.lastReportedAtOpen().size());
      assertEquals(5, log.acknowledge(5));
      assertEquals(0, log.retained());
      assertEquals(List.of(), log.after(0));
    }
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(5, log.acknowledged());
      assertEquals(List.of(), log.after(0));
      assertEquals(6, log.append(update(5)).get(0).sequence());
      assertEquals(1, log.retained());
    }
  }

  @Test
  void anAcknowledgementAtOrBelowTheCurrentOneDoesNothing() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      append(log, 0, 4);
      log.acknowledge(3);
      long size = Files.size(log.file());
      assertEquals(3, log.acknowledge(3));
      assertEquals(3, log.acknowledge(1));
      assertEquals(3, log.acknowledge(0));
      assertEquals(size, Files.size(log.file()), "nothing is recorded");
      assertEquals(2, log.retained());
    }
  }

  @Test
  void anAcknowledgementBeyondTheLastUpdateOrNegativeIsRefused() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertThrows(IllegalArgumentException.class, () -> log.acknowledge(1));
      append(log, 0, 2);
      assertThrows(IllegalArgumentException.class, () -> log.acknowledge(4));
      assertThrows(IllegalArgumentException.class, () -> log.acknowledge(-1));
      assertEquals(0, log.acknowledged());
      assertEquals(0, log.acknowledge(0));
      assertEquals(3, log.acknowledge(3));
    }
  }

  @Test
  void overTheBoundTheOldestAreDroppedDurably() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 3)) {
      append(log, 0, 2);
      assertEquals(0, log.dropped());
      assertEquals(0, log.floor());
      append(log, 3, 4);
      assertEquals(2, log.dropped());
      assertEquals(2, log.floor());
      assertEquals(0, log.acknowledged(), "dropped is not acknowledged");
      assertEquals(3, log.retained());
      assertEquals(numbered(3, 2, 4), log.after(0));
    }
    try (UpdateLog log = UpdateLog.open(workDir, 3)) {
      assertEquals(2, log.floor());
      assertEquals(0, log.dropped(), "counted since opened");
      assertEquals(numbered(3, 2, 4), log.after(0));
      assertEquals(
          Statuses.lastPerContainer(numbered(1, 0, 4)),
          log.lastReportedAtOpen(),
          "all of them still in the file");
    }
    try (UpdateLog log = UpdateLog.open(workDir, 2)) {
      // A smaller bound applies at once, and durably.
      assertEquals(3, log.floor());
      assertEquals(1, log.dropped());
      assertEquals(numbered(4, 3, 4), log.after(0));
    }
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(3, log.floor());
      assertEquals(2, log.retained());
      assertEquals(6, log.append(update(5)).get(0).sequence());
    }
  }

  @Test
  void acknowledgedUpdatesDoNotCountAgainstTheBound() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 2)) {
      append(log, 0, 1);
      log.acknowledge(2);
      append(log, 2, 3);
      assertEquals(0, log.dropped());
      assertEquals(2, log.retained());
      append(log, 4, 4);
      assertEquals(1, log.dropped());
      assertEquals(3, log.floor());
      assertEquals(2, log.acknowledged());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void aBoundBelowOneIsRefused(int maxRetained) {
    assertThrows(IllegalArgumentException.class, () -> UpdateLog.open(workDir, maxRetained));
    assertThrows(IllegalArgumentException.class, () -> UpdateLog.openAfresh(workDir, maxRetained));
  }

  @Test
  void compactionDropsOnlyWhatIsNoLongerNeeded() throws Exception {
    List<SequencedUpdate> all;
    long before;
    try (UpdateLog log = UpdateLog.open(workDir, 100, 8, FileChannel::open)) {
      all = append(log, 0, 29);
      log.acknowledge(20);
      before = Files.size(log.file());
      assertEquals(0, log.compactions(), "nothing is reflected in the checkpoint yet");
      log.reflectedUpTo(15);
      assertEquals(1, log.compactions());
      assertTrue(Files.size(log.file()) < before, "the file shrank");
      assertEquals(all.subList(20, 30), log.after(0));
      assertEquals(30, log.lastSequence());
      assertEquals(20, log.floor());
      assertEquals(20, log.acknowledged());
      assertEquals(List.of("status_updates.log"), files(), "no temporary file is left");
      assertEquals(List.of(new SequencedUpdate(31, update(30))), log.append(update(30)));
    }
    try (UpdateLog log = UpdateLog.open(workDir, 100, 8, FileChannel::open)) {
      assertEquals(numbered(21, 20, 30), log.after(0));
      assertEquals(20, log.floor());
      assertEquals(20, log.acknowledged());
      assertEquals(31, log.lastSequence());
      List<SequencedUpdate> reflected = new ArrayList<>(all.subList(15, 30));
      reflected.add(new SequencedUpdate(31, update(30)));
      assertEquals(Statuses.lastPerContainer(reflected), log.lastReportedAtOpen());
      assertEquals(32, log.append(update(31)).get(0).sequence());
    }
  }

  @Test
  void compactionKeepsWhatTheCheckpointDoesNotReflectYet() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 100, 4, FileChannel::open)) {
      append(log, 0, 19);
      log.acknowledge(19);
      log.reflectedUpTo(18);
      assertEquals(1, log.compactions());
      log.acknowledge(20);
      assertEquals(0, log.retained());
    }
    try (UpdateLog log = UpdateLog.open(workDir, 100, 4, FileChannel::open)) {
      // Updates 19 and 20 were above what the checkpoint reflected: the file still tells them.
      assertEquals(Statuses.lastPerContainer(numbered(19, 18, 19)), log.lastReportedAtOpen());
      assertEquals(20, log.floor());
      assertEquals(21, log.append(update(20)).get(0).sequence());
    }
  }

  @Test
  void droppingOverTheBoundThenReflectingCompacts() throws Exception {
    long before;
    try (UpdateLog log = UpdateLog.open(workDir, 5, 8, FileChannel::open)) {
      append(log, 0, 39);
      assertEquals(35, log.dropped());
      // The floor records superseded as updates were dropped are not needed either.
      long compactions = log.compactions();
      assertTrue(compactions > 0);
      before = Files.size(log.file());
      log.reflectedUpTo(40);
      assertEquals(compactions + 1, log.compactions());
      assertTrue(Files.size(log.file()) < before / 4, "the file shrank");
      assertEquals(numbered(36, 35, 39), log.after(0));
    }
    try (UpdateLog log = UpdateLog.open(workDir, 5, 8, FileChannel::open)) {
      assertEquals(numbered(36, 35, 39), log.after(0));
      assertEquals(35, log.floor());
      assertEquals(0, log.acknowledged());
      assertEquals(Statuses.lastPerContainer(numbered(36, 35, 39)), log.lastReportedAtOpen());
    }
  }

  @Test
  void theFileStaysSmallUnderTheDefaultThreshold() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 50)) {
      long largest = 0;
      for (int n = 0; n < 2_400; n++) {
        log.append(update(n));
        if (n % 10 == 9) {
          log.acknowledge(log.lastSequence());
          log.reflectedUpTo(log.lastSequence());
        }
        largest = Math.max(largest, Files.size(log.file()));
      }
      assertTrue(log.compactions() >= 2, "compactions: " + log.compactions());
      long oneRecord = Lines.update(1, update(0)).length();
      assertTrue(largest < 2 * (UpdateLog.COMPACT_AFTER + 50) * oneRecord, "largest: " + largest);
      assertEquals(2_400, log.lastSequence());
    }
    try (UpdateLog log = UpdateLog.open(workDir, 50)) {
      assertEquals(2_400, log.lastSequence());
      assertEquals(2_400, log.acknowledged());
    }
  }

  @Test
  void openingAfreshMovesACorruptLogAsideAndNumbersAfterIt() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      append(log, 0, 6);
    }
    Path file = workDir.resolve(UpdateLog.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    int third = Lines.starts(bytes).get(2);
    bytes[third + 20] ^= 0x01;
    Files.write(file, bytes);
    assertThrows(UpdateLogException.class, () -> UpdateLog.open(workDir, 100));

    try (UpdateLog log = UpdateLog.openAfresh(workDir, 100)) {
      Path aside = log.discarded().orElseThrow();
      assertTrue(
          aside.getFileName().toString().matches("status_updates\\.log\\.discarded-\\d+"),
          aside.toString());
      assertEquals(workDir, aside.getParent());
      assertArrayEquals(bytes, Files.readAllBytes(aside), "moved as it was");
      assertEquals(7, log.lastSequence());
      assertEquals(List.of(), log.after(0));
      assertEquals(Map.of(), log.lastReportedAtOpen());
      assertEquals(List.of(new SequencedUpdate(8, update(7))), log.append(update(7)));
    }
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(List.of(new SequencedUpdate(8, update(7))), log.after(0));
      assertEquals(Optional.empty(), log.discarded());
    }
  }

  @Test
  void openingAfreshNumbersAfterTheHighestReadableRecord() throws Exception {
    Path file = workDir.resolve(UpdateLog.FILE_NAME);
    Lines.write(
        file,
        Lines.floor(40),
        Lines.update(41, update(0)),
        "garbage\n",
        Lines.update(43, update(1)),
        Lines.acknowledged(42),
        "00000000 {\"sequence\":99,\"update\":{}}\n",
        Lines.update(44, update(2)).substring(0, 30));
    try (UpdateLog log = UpdateLog.openAfresh(workDir, 100)) {
      assertEquals(43, log.lastSequence());
      assertEquals(44, log.append(update(3)).get(0).sequence());
    }
  }

  @Test
  void openingAfreshWithoutALogStartsAnEmptyOne() throws Exception {
    try (UpdateLog log = UpdateLog.openAfresh(workDir, 100)) {
      assertEquals(Optional.empty(), log.discarded());
      assertEquals(0, log.lastSequence());
      assertEquals(List.of("status_updates.log"), files());
      assertEquals(1, log.append(update(0)).get(0).sequence());
    }
  }

  @Test
  void openingAfreshAnUnreadableLogFails() throws Exception {
    Files.createDirectory(workDir.resolve(UpdateLog.FILE_NAME));
    assertThrows(IOException.class, () -> UpdateLog.openAfresh(workDir, 100));
  }

  @Test
  void aClosedLogRefusesChangesAndClosingAgainDoesNothing() throws Exception {
    UpdateLog log = UpdateLog.open(workDir, 10);
    log.append(update(0));
    log.close();
    log.close();
    assertThrows(IllegalStateException.class, () -> log.append(update(1)));
    assertThrows(IllegalStateException.class, log::retryPending);
    assertThrows(IllegalStateException.class, () -> log.acknowledge(1));
    assertEquals(1, log.lastSequence());
    assertEquals(List.of(new SequencedUpdate(1, update(0))), log.after(0));
  }

  @Test
  void aSequencedUpdateIsNumberedFromOne() {
    assertThrows(IllegalArgumentException.class, () -> new SequencedUpdate(0, update(0)));
    assertThrows(NullPointerException.class, () -> new SequencedUpdate(1, null));
    assertThrows(IllegalArgumentException.class, () -> new SequencedUpdate(-1, update(0)));
  }
}
