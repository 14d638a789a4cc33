package dev.portcullis.agent.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checkpoint file: written whole, read strictly, moved aside on request. */
class CheckpointTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path workDir;

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  private List<String> files() throws IOException {
    try (Stream<Path> list = Files.list(workDir)) {
      return list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void theFileIsInTheWorkDirectory() {
    assertEquals(workDir.resolve("checkpoint.json"), new Checkpoint(workDir).file());
  }

  @Test
  void whatIsWrittenIsRead() throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    JsonNode content =
        json(
            "{\"format\":1,\"cgroups_root\":\"portcullis\",\"executors\":[{\"executor_id\":\"é\","
                + "\"n\":1.25,\"big\":12345678901234,\"tasks\":[],\"x\":null,\"t\":true}]}");
    checkpoint.write(content);
    assertEquals(Optional.of(content), checkpoint.read());
    // And by a new instance, as after a restart.
    assertEquals(Optional.of(content), new Checkpoint(workDir).read());
    assertEquals(content, json(Files.readString(checkpoint.file(), StandardCharsets.UTF_8)));
  }

  @Test
  void aMissingFileReadsAsEmpty() throws Exception {
    assertEquals(Optional.empty(), new Checkpoint(workDir).read());
    assertEquals(List.of(), files(), "reading creates nothing");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "garbage",
        "{\"format\":1,",
        "{\"format\":1,\"executors\":[{\"executor_id\":\"web\"",
        "}{",
        "\u0000\u0000\u0000\u0000"
      })
  void aCorruptFileIsRefusedNamingIt(String text) throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    Files.writeString(checkpoint.file(), text, StandardCharsets.UTF_8);
    CheckpointException e = assertThrows(CheckpointException.class, checkpoint::read);
    assertTrue(e.getMessage().contains(checkpoint.file().toString()), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\n\n  \t"})
  void anEmptyFileIsRefusedNamingIt(String text) throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    Files.writeString(checkpoint.file(), text, StandardCharsets.UTF_8);
    CheckpointException e = assertThrows(CheckpointException.class, checkpoint::read);
    assertTrue(e.getMessage().contains(checkpoint.file().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void aTruncatedWrittenCheckpointIsRefused() throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    checkpoint.write(json("{\"format\":1,\"executors\":[{\"executor_id\":\"web\"}]}"));
    byte[] whole = Files.readAllBytes(checkpoint.file());
    Files.write(checkpoint.file(), java.util.Arrays.copyOf(whole, whole.length - 3));
    CheckpointException e = assertThrows(CheckpointException.class, checkpoint::read);
    assertTrue(e.getMessage().contains(checkpoint.file().toString()), e.getMessage());
  }

  @Test
  void anUnreadableFileIsRefusedNamingIt() throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    // A directory where the file should be cannot be read as one, even by root.
    Files.createDirectory(checkpoint.file());
    CheckpointException e = assertThrows(CheckpointException.class, checkpoint::read);
    assertTrue(e.getMessage().contains(checkpoint.file().toString()), e.getMessage());
  }

  @Test
  void aWriteReplacesTheOldContentAndLeavesNoTemporaryFile() throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    checkpoint.write(json("{\"generation\":1,\"padding\":\"" + "x".repeat(10_000) + "\"}"));
    assertEquals(List.of("checkpoint.json"), files());
    JsonNode second = json("{\"generation\":2}");
    checkpoint.write(second);
    assertEquals(List.of("checkpoint.json"), files());
    assertEquals(Optional.of(second), checkpoint.read());
    // Shorter content leaves nothing of the longer one behind.
    assertEquals(second, json(Files.readString(checkpoint.file())));
  }

  @Test
  void aLeftoverTemporaryFileIsOverwritten() throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    // As if an agent crashed in the middle of a write.
    Files.writeString(workDir.resolve("checkpoint.json.tmp"), "{\"half\":[1,2,3,4,5,6,7,8,9");
    JsonNode content = json("{\"whole\":true}");
    checkpoint.write(content);
    assertEquals(List.of("checkpoint.json"), files());
    assertEquals(Optional.of(content), checkpoint.read());
  }

  @Test
  void aLeftoverTemporaryFileIsNotRead() throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    Files.writeString(workDir.resolve("checkpoint.json.tmp"), "{\"half\":");
    assertEquals(Optional.empty(), checkpoint.read());
  }

  @Test
  void aWriteToAMissingDirectoryFails() {
    Checkpoint checkpoint = new Checkpoint(workDir.resolve("absent"));
    assertThrows(IOException.class, () -> checkpoint.write(json("{}")));
  }

  @Test
  void discardMovesTheFileAside() throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    JsonNode content = json("{\"format\":1,\"executors\":[]}");
    checkpoint.write(content);

    long before = System.currentTimeMillis();
    Optional<Path> aside = checkpoint.discard();
    long after = System.currentTimeMillis();

    assertTrue(aside.isPresent());
    assertEquals(workDir, aside.get().getParent());
    String name = aside.get().getFileName().toString();
    assertTrue(name.startsWith("checkpoint.json.discarded-"), name);
    long millis = Long.parseLong(name.substring("checkpoint.json.discarded-".length()));
    assertTrue(before <= millis && millis <= after, name);
    assertEquals(List.of(name), files());
    assertEquals(content, json(Files.readString(aside.get())));
    assertFalse(Files.exists(checkpoint.file()));
    assertEquals(Optional.empty(), checkpoint.read());
  }

  @Test
  void discardMovesACorruptFileAsideToo() throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    Files.writeString(checkpoint.file(), "garbage");
    Path aside = checkpoint.discard().orElseThrow();
    assertEquals("garbage", Files.readString(aside));
    assertEquals(Optional.empty(), checkpoint.read());
  }

  @Test
  void discardWithoutACheckpointDoesNothing() throws Exception {
    assertEquals(Optional.empty(), new Checkpoint(workDir).discard());
    assertEquals(List.of(), files());
  }

  @Test
  void aCheckpointCanBeWrittenAgainAfterADiscard() throws Exception {
    Checkpoint checkpoint = new Checkpoint(workDir);
    checkpoint.write(json("{\"old\":true}"));
    Path aside = checkpoint.discard().orElseThrow();
    checkpoint.write(json("{\"new\":true}"));
    assertEquals(Optional.of(json("{\"new\":true}")), checkpoint.read());
    assertEquals(json("{\"old\":true}"), json(Files.readString(aside)));
  }
}
