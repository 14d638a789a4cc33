package dev.portcullis.agent.updates;

import static dev.portcullis.agent.updates.Statuses.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the disk fails: updates stay pending with their numbers and are written first, in order,
 * once it works again; a failed acknowledgement changes nothing; and the file never keeps the bytes
 * of a failed write.
 */
class UpdateLogWriteFailureTest {

  @TempDir Path workDir;

  private final FaultyChannel.Faults faults = new FaultyChannel.Faults();

  private UpdateLog open(int maxRetained, int compactAfter) throws UpdateLogException {
    return UpdateLog.open(workDir, maxRetained, compactAfter, faults.opener());
  }

  private Path file() {
    return workDir.resolve(UpdateLog.FILE_NAME);
  }

  private List<String> files() throws IOException {
    try (Stream<Path> list = Files.list(workDir)) {
      return list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void aFailedWriteLeavesTheUpdatePendingUntilTheNextAppendWritesItFirst() throws Exception {
    try (UpdateLog log = open(100, 1024)) {
      log.append(update(0));
      long size = Files.size(file());
      faults.writes = 1;
      assertEquals(List.of(), log.append(update(1)));
      assertEquals(1, log.writeFailures());
      assertEquals(2, log.lastSequence());
      assertEquals(1, log.lastDurable());
      assertEquals(1, log.retained());
      assertEquals(List.of(new SequencedUpdate(1, update(0))), log.after(0));
      assertEquals(size, Files.size(file()), "the half-written record is cut off");
      assertEquals(
          List.of(new SequencedUpdate(2, update(1)), new SequencedUpdate(3, update(2))),
          log.append(update(2)));
      assertEquals(3, log.lastDurable());
      assertEquals(1, log.writeFailures());
    }
    try (UpdateLog log = open(100, 1024)) {
      assertEquals(
          List.of(
              new SequencedUpdate(1, update(0)),
              new SequencedUpdate(2, update(1)),
              new SequencedUpdate(3, update(2))),
          log.after(0));
    }
  }

  @Test
  void aFailedForceIsAFailedWrite() throws Exception {
    try (UpdateLog log = open(100, 1024)) {
      faults.forces = 1;
      assertEquals(List.of(), log.append(update(0)));
      assertEquals(1, log.writeFailures());
      assertEquals(0, Files.size(file()), "what was written but not forced is cut off");
      assertEquals(0, log.lastDurable());
      assertEquals(
          List.of(new SequencedUpdate(1, update(0)), new SequencedUpdate(2, update(1))),
          log.append(update(1)));
    }
  }

  @Test
  void retryingWritesThePendingUpdatesInOrder() throws Exception {
    try (UpdateLog log = open(100, 1024)) {
      faults.writes = 3;
      assertEquals(List.of(), log.append(update(0)));
      assertEquals(List.of(), log.append(update(1)));
      assertEquals(List.of(), log.retryPending());
      assertEquals(3, log.writeFailures());
      assertEquals(
          List.of(new SequencedUpdate(1, update(0)), new SequencedUpdate(2, update(1))),
          log.retryPending());
      assertEquals(List.of(), log.retryPending());
      assertEquals(2, log.retained());
    }
  }

  @Test
  void whenCuttingBackFailsTooTheNextWriteCutsBackFirst() throws Exception {
    try (UpdateLog log = open(100, 1024)) {
      log.append(update(0));
      byte[] good = Files.readAllBytes(file());
      faults.writes = 1;
      faults.truncates = 1;
      assertEquals(List.of(), log.append(update(1)));
      assertTrue(Files.size(file()) > good.length, "the half record is still there");
      faults.truncates = 1;
      assertEquals(List.of(), log.retryPending(), "cannot cut back: nothing is written");
      assertEquals(2, log.writeFailures());
      assertEquals(2, log.append(update(2)).size());
    }
    try (UpdateLog log = open(100, 1024)) {
      assertEquals(3, log.lastSequence());
      assertEquals(3, log.after(0).size());
      assertEquals(update(1), log.after(1).get(0).update());
    }
  }

  @Test
  void aFailedAcknowledgementChangesNothing() throws Exception {
    try (UpdateLog log = open(100, 1024)) {
      for (int n = 0; n < 3; n++) {
        log.append(update(n));
      }
      byte[] before = Files.readAllBytes(file());
      faults.writes = 1;
      assertThrows(IOException.class, () -> log.acknowledge(2));
      assertEquals(0, log.acknowledged());
      assertEquals(0, log.floor());
      assertEquals(3, log.retained());
      assertEquals(1, log.writeFailures());
      assertArrayEquals(before, Files.readAllBytes(file()));
      assertEquals(2, log.acknowledge(2));
    }
    try (UpdateLog log = open(100, 1024)) {
      assertEquals(2, log.acknowledged());
    }
  }

  @Test
  void aPendingUpdateCannotBeAcknowledgedBeforeItIsWritten() throws Exception {
    try (UpdateLog log = open(100, 1024)) {
      log.append(update(0));
      faults.writes = 1;
      log.append(update(1));
      assertThrows(IOException.class, () -> log.acknowledge(2));
      assertThrows(IllegalArgumentException.class, () -> log.acknowledge(3));
      assertEquals(1, log.acknowledge(1));
      assertEquals(List.of(new SequencedUpdate(2, update(1))), log.retryPending());
      assertEquals(2, log.acknowledge(2));
    }
    try (UpdateLog log = open(100, 1024)) {
      assertEquals(2, log.acknowledged());
      assertEquals(2, log.lastSequence());
    }
  }

  @Test
  void aFailedWriteOverTheBoundDropsNothing() throws Exception {
    try (UpdateLog log = open(2, 1024)) {
      log.append(update(0));
      log.append(update(1));
      faults.writes = 1;
      log.append(update(2));
      assertEquals(0, log.floor());
      assertEquals(0, log.dropped());
      assertEquals(1, log.retryPending().size());
      assertEquals(1, log.floor());
      assertEquals(1, log.dropped());
    }
    try (UpdateLog log = open(2, 1024)) {
      assertEquals(1, log.floor());
      assertEquals(2, log.retained());
    }
  }

  @Test
  void aFailedCompactionLeavesTheLogAsItWas() throws Exception {
    try (UpdateLog log = open(100, 4)) {
      for (int n = 0; n < 10; n++) {
        log.append(update(n));
      }
      log.acknowledge(10);
      byte[] before = Files.readAllBytes(file());
      faults.writes = 1;
      log.reflectedUpTo(10);
      assertEquals(0, log.compactions());
      assertEquals(1, log.writeFailures());
      assertArrayEquals(before, Files.readAllBytes(file()));
      assertEquals(List.of(UpdateLog.FILE_NAME), files(), "no temporary file is left");
      // Not tried again at once, but once the file has grown again.
      log.append(update(10));
      assertEquals(0, log.compactions());
      for (int n = 11; n < 20; n++) {
        log.append(update(n));
      }
      assertEquals(1, log.compactions());
      assertEquals(List.of(UpdateLog.FILE_NAME), files());
      assertEquals(10, log.retained());
    }
    try (UpdateLog log = open(100, 4)) {
      assertEquals(20, log.lastSequence());
      assertEquals(10, log.acknowledged());
      assertEquals(10, log.retained());
    }
  }

  @Test
  void appendsAfterACompactionGoToTheNewFile() throws Exception {
    try (UpdateLog log = open(100, 4)) {
      for (int n = 0; n < 10; n++) {
        log.append(update(n));
      }
      log.acknowledge(10);
      log.reflectedUpTo(10);
      assertEquals(1, log.compactions());
      faults.writes = 1;
      assertEquals(List.of(), log.append(update(10)));
      assertEquals(2, log.append(update(11)).size());
    }
    try (UpdateLog log = open(100, 4)) {
      assertEquals(12, log.lastSequence());
      assertEquals(2, log.retained());
      assertEquals(update(11), log.after(11).get(0).update());
    }
  }
}
