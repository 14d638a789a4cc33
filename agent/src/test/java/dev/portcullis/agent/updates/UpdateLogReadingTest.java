package dev.portcullis.agent.updates;

import static dev.portcullis.agent.updates.Statuses.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.agent.executor.TaskState;
import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.agent.executor.Termination;
import dev.portcullis.agent.status.StatusJson;
import dev.portcullis.api.ContainerId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The log's format, and opening it strictly: a torn last record is cut off, a bad record anywhere
 * else is refused, naming the file and its offset.
 */
class UpdateLogReadingTest {

  @TempDir Path workDir;

  private Path file() {
    return workDir.resolve(UpdateLog.FILE_NAME);
  }

  private static List<SequencedUpdate> numbered(long first, int from, int to) {
    List<SequencedUpdate> all = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      all.add(new SequencedUpdate(first + n - from, update(n)));
    }
    return all;
  }

  @Test
  void theFileIsWrittenAsTheFormatDocuments() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 1)) {
      log.append(update(0));
      log.acknowledge(1);
      log.append(update(1));
      log.append(update(2));
    }
    assertEquals(
        Lines.update(1, update(0))
            + Lines.acknowledged(1)
            + Lines.update(2, update(1))
            + Lines.update(3, update(2))
            + Lines.floor(2),
        Files.readString(file(), StandardCharsets.UTF_8));
  }

  @Test
  void aLogWrittenByHandInTheDocumentedFormatIsRead() throws Exception {
    Lines.write(
        file(),
        Lines.floor(40),
        Lines.update(41, update(0)),
        Lines.update(42, update(1)),
        Lines.update(43, update(2)),
        Lines.floor(42),
        Lines.acknowledged(42));
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(43, log.lastSequence());
      assertEquals(42, log.floor());
      assertEquals(42, log.acknowledged());
      assertEquals(List.of(new SequencedUpdate(43, update(2))), log.after(0));
      assertEquals(Statuses.lastPerContainer(numbered(41, 0, 2)), log.lastReportedAtOpen());
      assertEquals(44, log.append(update(3)).get(0).sequence());
    }
  }

  @Test
  void theExampleInTheClassDocumentationIsReadAsItSays() throws Exception {
    Files.writeString(
        file(),
        "51b75ca0 {\"floor\":40}\n"
            + "e800cd73 {\"sequence\":41,\"update\":{\"task_id\":{\"value\":\"t1\"},"
            + "\"executor_id\":{\"value\":\"e1\"},\"container_id\":{\"value\":\"e1.t1\"},"
            + "\"state\":\"TASK_RUNNING\",\"source\":\"SOURCE_AGENT\","
            + "\"timestamp\":1712345678.123456}}\n"
            + "366a4951 {\"sequence\":42,\"update\":{\"task_id\":{\"value\":\"t2\"},"
            + "\"executor_id\":{\"value\":\"e1\"},\"container_id\":{\"value\":\"e1.t2\"},"
            + "\"state\":\"TASK_RUNNING\",\"source\":\"SOURCE_AGENT\","
            + "\"timestamp\":1712345679.000000}}\n"
            + "b8b7c03e {\"sequence\":43,\"update\":{\"task_id\":{\"value\":\"t1\"},"
            + "\"executor_id\":{\"value\":\"e1\"},\"container_id\":{\"value\":\"e1.t1\"},"
            + "\"state\":\"TASK_KILLED\",\"source\":\"SOURCE_AGENT\","
            + "\"timestamp\":1712345680.500000,\"message\":\"Killed on request\"}}\n"
            + "76f26c4e {\"floor\":42}\n"
            + "5eea60a6 {\"acknowledged\":42}\n",
        StandardCharsets.UTF_8);
    TaskStatus killed =
        TaskStatus.of(
                Optional.of("e1"),
                "t1",
                ContainerId.parse("e1.t1"),
                TaskState.TASK_RUNNING,
                Instant.ofEpochSecond(1_712_345_680L, 500_000_000L))
            .endedBy(new Termination.Killed("Killed on request"));
    TaskStatus running =
        TaskStatus.of(
            Optional.of("e1"),
            "t2",
            ContainerId.parse("e1.t2"),
            TaskState.TASK_RUNNING,
            Instant.ofEpochSecond(1_712_345_679L));
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(43, log.lastSequence());
      assertEquals(42, log.floor());
      assertEquals(42, log.acknowledged());
      assertEquals(List.of(new SequencedUpdate(43, killed)), log.after(0));
      assertEquals(
          Map.of(killed.container(), killed, running.container(), running),
          log.lastReportedAtOpen());
    }
  }

  @Test
  void aLogThatOnlySaysWhereNumberingContinuesIsRead() throws Exception {
    Lines.write(file(), Lines.floor(7));
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(7, log.lastSequence());
      assertEquals(7, log.lastDurable());
      assertEquals(7, log.floor());
      assertEquals(0, log.retained());
      assertEquals(List.of(new SequencedUpdate(8, update(0))), log.append(update(0)));
    }
  }

  @Test
  void anEmptyFileIsAFreshLog() throws Exception {
    Files.createFile(file());
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(0, log.lastSequence());
      assertEquals(1, log.append(update(0)).get(0).sequence());
    }
  }

  /** What the log reads before the last record of each kind, and what it reads with it. */
  enum LastRecord {
    UPDATE {
      @Override
      void write(Path workDir) throws Exception {
        try (UpdateLog log = UpdateLog.open(workDir, 100)) {
          for (int n = 0; n <= 4; n++) {
            log.append(update(n));
          }
        }
      }

      @Override
      void checkWithout(UpdateLog log) {
        assertEquals(numbered(1, 0, 3), log.after(0));
        assertEquals(4, log.lastSequence());
      }
    },
    ACKNOWLEDGEMENT {
      @Override
      void write(Path workDir) throws Exception {
        try (UpdateLog log = UpdateLog.open(workDir, 100)) {
          for (int n = 0; n <= 4; n++) {
            log.append(update(n));
          }
          log.acknowledge(2);
          log.acknowledge(3);
        }
      }

      @Override
      void checkWithout(UpdateLog log) {
        assertEquals(2, log.acknowledged());
        assertEquals(numbered(3, 2, 4), log.after(0));
        assertEquals(5, log.lastSequence());
      }
    },
    FLOOR {
      @Override
      void write(Path workDir) throws Exception {
        try (UpdateLog log = UpdateLog.open(workDir, 3)) {
          for (int n = 0; n <= 4; n++) {
            log.append(update(n));
          }
        }
      }

      @Override
      void checkWithout(UpdateLog log) {
        // The update written with it is whole: only the floor it raised is lost.
        assertEquals(1, log.floor());
        assertEquals(numbered(2, 1, 4), log.after(0));
        assertEquals(5, log.lastSequence());
      }
    };

    abstract void write(Path workDir) throws Exception;

    abstract void checkWithout(UpdateLog log);
  }

  @ParameterizedTest
  @EnumSource(LastRecord.class)
  void everyCutInsideTheLastRecordIsTornAndCutOff(LastRecord last) throws Exception {
    Path written = Files.createDirectory(workDir.resolve("written"));
    last.write(written);
    byte[] bytes = Files.readAllBytes(written.resolve(UpdateLog.FILE_NAME));
    List<Integer> starts = Lines.starts(bytes);
    int lastStart = starts.get(starts.size() - 1);
    for (int cut = lastStart; cut < bytes.length; cut++) {
      Path dir = Files.createDirectory(workDir.resolve("cut-at-" + cut));
      Path file = dir.resolve(UpdateLog.FILE_NAME);
      Files.write(file, Arrays.copyOf(bytes, cut));
      long next;
      try (UpdateLog log = UpdateLog.open(dir, 100)) {
        last.checkWithout(log);
        assertEquals(lastStart, Files.size(file), "cut back at " + cut);
        next = log.lastSequence() + 1;
      }
      assertArrayEquals(Arrays.copyOf(bytes, lastStart), Files.readAllBytes(file), "at " + cut);
      try (UpdateLog log = UpdateLog.open(dir, 100)) {
        last.checkWithout(log);
        assertEquals(List.of(new SequencedUpdate(next, update(9))), log.append(update(9)));
      }
      try (UpdateLog log = UpdateLog.open(dir, 100)) {
        assertEquals(next, log.lastSequence());
        assertEquals(update(9), log.after(next - 1).get(0).update());
      }
    }
  }

  static Stream<String> garbage() {
    String next = Lines.update(4, update(3));
    return Stream.of(
        "\0",
        "\0".repeat(4096),
        "garbage",
        "garbage\n",
        "\n",
        "\0\0\0\0\n",
        next.substring(0, 9),
        next.substring(0, next.length() / 2),
        next.replace("TASK_", "TASK-"),
        // Whole lines, but bad, with nothing after them: a crash cannot have made them, but they
        // are last, so were never reported durable.
        Lines.update(5, update(3)),
        Lines.acknowledged(4),
        Lines.line("{\"snapshot\":3}"));
  }

  @ParameterizedTest
  @MethodSource("garbage")
  void garbageAfterTheLastWholeRecordIsCutOff(String garbage) throws Exception {
    String whole =
        Lines.update(1, update(0)) + Lines.update(2, update(1)) + Lines.update(3, update(2));
    Lines.write(file(), whole, garbage);
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(numbered(1, 0, 2), log.after(0));
      assertEquals(whole.getBytes(StandardCharsets.UTF_8).length, Files.size(file()));
      assertEquals(List.of(new SequencedUpdate(4, update(3))), log.append(update(3)));
    }
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      assertEquals(numbered(1, 0, 3), log.after(0));
    }
  }

  @Test
  void aFlippedBitAnywhereInAnEarlierRecordIsCorruptionAtItsOffset() throws Exception {
    try (UpdateLog log = UpdateLog.open(workDir, 100)) {
      for (int n = 0; n <= 3; n++) {
        log.append(update(n));
      }
    }
    byte[] bytes = Files.readAllBytes(file());
    List<Integer> starts = Lines.starts(bytes);
    int start = starts.get(1);
    for (int at = start; at < starts.get(2); at++) {
      byte[] flipped = bytes.clone();
      flipped[at] ^= 0x01;
      Files.write(file(), flipped);
      UpdateLogException e =
          assertThrows(UpdateLogException.class, () -> UpdateLog.open(workDir, 100));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "the status update log " + file() + " is corrupt at byte offset " + start + ": "),
          "flipped at " + at + ": " + e.getMessage());
      assertArrayEquals(flipped, Files.readAllBytes(file()), "a corrupt log is left as it is");
    }
  }

  static Stream<Arguments> badRecords() {
    String json = StatusJson.line(update(1));
    return Stream.of(
        bad("numbers skip", 1, u(1), u(3), u(4)),
        bad("numbers repeat", 2, u(1), u(2), u(2), u(3)),
        bad("numbers go back", 2, u(1), u(2), u(1), u(3)),
        bad("the first is not 1", 0, u(2), u(3)),
        bad("the first after a floor is not the next", 1, Lines.floor(5), u(7), u(8)),
        bad("an unknown kind", 1, u(1), Lines.line("{\"snapshot\":1}"), u(2)),
        bad("an extra field", 1, u(1), Lines.line("{\"floor\":1,\"why\":\"x\"}"), u(2)),
        bad("an update without its number", 1, u(1), Lines.line("{\"update\":" + json + "}"), u(2)),
        bad(
            "an update that is not one",
            1,
            u(1),
            Lines.line("{\"sequence\":2,\"update\":{}}"),
            u(2)),
        bad("number 0", 0, Lines.line("{\"sequence\":0,\"update\":" + json + "}"), u(1)),
        bad("a negative number", 1, u(1), Lines.line("{\"floor\":-1}"), u(2)),
        bad("a fraction", 1, u(1), Lines.line("{\"acknowledged\":0.5}"), u(2)),
        bad("a string number", 1, u(1), Lines.line("{\"acknowledged\":\"1\"}"), u(2)),
        bad("an acknowledgement beyond the last", 1, u(1), Lines.acknowledged(2), u(2)),
        bad(
            "an acknowledgement going back",
            3,
            u(1),
            u(2),
            Lines.acknowledged(2),
            Lines.acknowledged(1),
            u(3)),
        bad("a floor beyond the last", 1, u(1), Lines.floor(2), u(2)),
        bad("a floor going back", 2, Lines.floor(5), u(6), Lines.floor(4), u(7)),
        bad(
            "a floor below an acknowledgement",
            3,
            u(1),
            u(2),
            Lines.acknowledged(2),
            Lines.floor(1),
            u(3)),
        bad("not JSON", 1, u(1), Lines.line("{\"floor\":"), u(2)),
        bad("JSON with more after it", 1, u(1), Lines.line("{\"floor\":1}{}"), u(2)),
        bad("a duplicate field", 1, u(1), Lines.line("{\"floor\":1,\"floor\":1}"), u(2)),
        bad("JSON that is no object", 1, u(1), Lines.line("[1]"), u(2)),
        bad("no JSON", 1, u(1), Lines.line(""), u(2)),
        bad("a blank line", 1, u(1), "\n", u(2)),
        bad("a capital CRC", 1, u(1), capitalCrc(), u(3)),
        bad("no space after the CRC", 1, u(1), Lines.floor(1).replaceFirst(" ", "\t"), u(2)),
        bad("a CRC of the wrong bytes", 1, u(1), Lines.floor(1).replace("1}", "0}"), u(2)),
        bad("zero bytes", 1, u(1), "\0\0\0\0\0\0\0\0\0\0\0\0\n", u(2)));
  }

  private static String u(long sequence) {
    return Lines.update(sequence, update((int) sequence));
  }

  /** Update 2 with its CRC in capitals: one of the updates has a letter in it. */
  private static String capitalCrc() {
    for (int n = 0; ; n++) {
      String line = Lines.update(2, update(n));
      String capital = line.substring(0, 8).toUpperCase(Locale.ROOT) + line.substring(8);
      if (!capital.equals(line)) {
        return capital;
      }
    }
  }

  private static Arguments bad(String what, int index, String... lines) {
    return Arguments.of(what, index, List.of(lines));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRecords")
  void aBadRecordBeforeTheLastIsCorruptionAtItsOffset(String what, int index, List<String> lines)
      throws Exception {
    byte[] bytes = String.join("", lines).getBytes(StandardCharsets.UTF_8);
    Files.write(file(), bytes);
    int offset = 0;
    for (int i = 0; i < index; i++) {
      offset += lines.get(i).getBytes(StandardCharsets.UTF_8).length;
    }
    UpdateLogException e =
        assertThrows(UpdateLogException.class, () -> UpdateLog.open(workDir, 100));
    assertTrue(
        e.getMessage()
            .startsWith(
                "the status update log " + file() + " is corrupt at byte offset " + offset + ": "),
        e.getMessage());
    assertArrayEquals(bytes, Files.readAllBytes(file()), "a corrupt log is left as it is");
  }

  @Test
  void aRecordThatIsNotUtf8IsCorruption() throws Exception {
    byte[] json = {'{', '"', 'f', 'l', 'o', 'o', 'r', '"', ':', '1', (byte) 0xff, '}'};
    CRC32C crc = new CRC32C();
    crc.update(json);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String first = Lines.update(1, update(1));
    bytes.writeBytes(first.getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(String.format("%08x ", crc.getValue()).getBytes(StandardCharsets.US_ASCII));
    bytes.writeBytes(json);
    bytes.write('\n');
    bytes.writeBytes(Lines.update(2, update(2)).getBytes(StandardCharsets.UTF_8));
    Files.write(file(), bytes.toByteArray());
    UpdateLogException e =
        assertThrows(UpdateLogException.class, () -> UpdateLog.open(workDir, 100));
    assertEquals(
        "the status update log "
            + file()
            + " is corrupt at byte offset "
            + first.getBytes(StandardCharsets.UTF_8).length
            + ": it is not UTF-8",
        e.getMessage());
  }

  @Test
  void anUnreadableLogIsRefusedNamingIt() throws IOException {
    // A directory where the file should be cannot be read as one, even by root.
    Files.createDirectory(file());
    UpdateLogException e =
        assertThrows(UpdateLogException.class, () -> UpdateLog.open(workDir, 100));
    assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
  }

  @Test
  void aMissingWorkDirectoryIsRefusedNamingTheFile() {
    Path missing = workDir.resolve("missing");
    UpdateLogException e =
        assertThrows(UpdateLogException.class, () -> UpdateLog.open(missing, 100));
    assertTrue(
        e.getMessage().contains(missing.resolve(UpdateLog.FILE_NAME).toString()), e.getMessage());
  }
}
