package dev.portcullis.agent.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.agent.files.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The agent's checkpoint file, {@code checkpoint.json} in the work directory, written so that a
 * crash at any instant leaves either the old content or the new, whole: each write goes to a
 * temporary file, is forced to disk, and replaces the checkpoint by an atomic rename, after which
 * the directory is forced too, so that the rename itself survives a power loss.
 */
final class Checkpoint {

  static final String FILE_NAME = "checkpoint.json";

  private final ObjectMapper json = new ObjectMapper();
  private final Path directory;
  private final Path file;
  private final Path temporary;
  private byte[] assembly = new byte[0];

  Checkpoint(Path workDir) {
    this.directory = workDir;
    this.file = workDir.resolve(FILE_NAME);
    this.temporary = workDir.resolve(FILE_NAME + ".tmp");
  }

  Path file() {
    return file;
  }

  /**
   * The checkpoint's content; empty if none was ever written.
   *
   * @throws CheckpointException if it exists but cannot be read or is not JSON
   */
  Optional<JsonNode> read() throws CheckpointException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CheckpointException("cannot read the checkpoint " + file + ": " + e, e);
    }
    try {
      JsonNode content = json.readTree(bytes);
      if (content == null || content.isMissingNode()) {
        throw new CheckpointException("the checkpoint " + file + " is empty");
      }
      return Optional.of(content);
    } catch (JsonProcessingException e) {
      throw new CheckpointException(
          "the checkpoint " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot parse the checkpoint " + file + ": " + e, e);
    }
  }

  /** Replaces the checkpoint with {@code content}, atomically and durably. */
  void write(JsonNode content) throws IOException {
    byte[] bytes = json.writeValueAsString(content).getBytes(StandardCharsets.UTF_8);
    write(bytes, bytes.length);
  }

  /**
   * Replaces the checkpoint, atomically and durably, with a JSON array's elements between a prefix,
   * which opens the array, and a suffix, which closes it and what holds it: the text of a document
   * whose elements were serialized one by one.
   */
  void write(byte[] prefix, List<byte[]> elements, byte[] suffix) throws IOException {
    int length = prefix.length + suffix.length + Math.max(0, elements.size() - 1);
    for (byte[] element : elements) {
      length += element.length;
    }
    if (assembly.length < length) {
      // Kept from one write to the next: a checkpoint of a thousand executors is a megabyte.
      assembly = new byte[Math.max(length, assembly.length * 2)];
    }
    int at = 0;
    System.arraycopy(prefix, 0, assembly, at, prefix.length);
    at += prefix.length;
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        assembly[at++] = ',';
      }
      byte[] element = elements.get(i);
      System.arraycopy(element, 0, assembly, at, element.length);
      at += element.length;
    }
    System.arraycopy(suffix, 0, assembly, at, suffix.length);
    write(assembly, length);
  }

  private void write(byte[] bytes, int length) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      DurableFiles.writeFully(channel, ByteBuffer.wrap(bytes, 0, length), 0);
      channel.force(true);
    }
    DurableFiles.moveAtomically(temporary, file);
    DurableFiles.forceDirectory(directory);
  }

  /**
   * Moves the checkpoint aside, to {@code checkpoint.json.discarded-<millis>}, for whoever wants to
   * see what was forgotten; nothing happens if there is none.
   *
   * @return where it went, if there was one
   */
  Optional<Path> discard() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Path aside = directory.resolve(FILE_NAME + ".discarded-" + System.currentTimeMillis());
    Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
    DurableFiles.forceDirectory(directory);
    return Optional.of(aside);
  }
}
