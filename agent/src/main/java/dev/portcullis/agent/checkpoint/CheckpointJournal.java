package dev.portcullis.agent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.agent.executor.ExecutorRecord;
import dev.portcullis.agent.executor.Journal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's journal: the executor core's records, kept in the work directory's checkpoint with
 * the cgroups root and process tracker they were made under, and read back only by an agent that
 * can find those tasks again.
 */
public final class CheckpointJournal implements Journal {

  private final Checkpoint checkpoint;
  private final String cgroupsRoot;
  private final String processTracker;
  private final ObjectMapper json = new ObjectMapper();

  /** What precedes the executors in the checkpoint's text: it opens their array. */
  private final byte[] prefix;

  /** Each executor as the last save serialized it, by id. */
  private Map<String, Serialized> serialized = Map.of();

  public CheckpointJournal(Path workDir, String cgroupsRoot, String processTracker) {
    this.checkpoint = new Checkpoint(workDir);
    this.cgroupsRoot = cgroupsRoot;
    this.processTracker = processTracker;
    this.prefix = CheckpointFormat.prefix(json, cgroupsRoot, processTracker);
  }

  /**
   * Writes the whole checkpoint, serializing again only the executors whose record changed since
   * the last save: a launch saves twice, and at a thousand executors serializing them all, a
   * megabyte of JSON and the garbage of its tree, was most of what a launch cost, in the
   * collections it caused above all.
   */
  @Override
  public void save(List<ExecutorRecord> executors) throws IOException {
    Map<String, Serialized> current = new HashMap<>();
    List<byte[]> elements = new ArrayList<>(executors.size());
    for (ExecutorRecord executor : executors) {
      Serialized kept = serialized.get(executor.executorId());
      if (kept == null || !kept.record().equals(executor)) {
        kept =
            new Serialized(executor, json.writeValueAsBytes(CheckpointFormat.executor(executor)));
      }
      current.put(executor.executorId(), kept);
      elements.add(kept.json());
    }
    serialized = current;
    checkpoint.write(prefix, elements, CheckpointFormat.SUFFIX);
  }

  /** An executor's record, and its JSON as the checkpoint holds it; the bytes are never changed. */
  private static final class Serialized {
    private final ExecutorRecord record;
    private final byte[] json;

    Serialized(ExecutorRecord record, byte[] json) {
      this.record = record;
      this.json = json;
    }

    ExecutorRecord record() {
      return record;
    }

    byte[] json() {
      return json;
    }
  }

  /**
   * The executors the checkpoint holds; empty if there is none.
   *
   * @throws CheckpointException if it is corrupt, or was written under another cgroups root or
   *     process tracker, where its tasks cannot be found
   */
  public Optional<List<ExecutorRecord>> read() throws CheckpointException {
    Optional<JsonNode> document = checkpoint.read();
    if (document.isEmpty()) {
      return Optional.empty();
    }
    CheckpointFormat.Content content;
    try {
      content = CheckpointFormat.read(document.get());
    } catch (CheckpointException e) {
      throw new CheckpointException(
          "the checkpoint " + checkpoint.file() + " is corrupt: " + e.getMessage(), e);
    }
    if (!content.cgroupsRoot().equals(cgroupsRoot)
        || !content.processTracker().equals(processTracker)) {
      throw new CheckpointException(
          "the checkpoint "
              + checkpoint.file()
              + " was written by an agent with --cgroups_root="
              + content.cgroupsRoot()
              + " and process tracker "
              + content.processTracker()
              + "; this one has --cgroups_root="
              + cgroupsRoot
              + " and "
              + processTracker
              + ", where those tasks cannot be found");
    }
    return Optional.of(content.executors());
  }

  /** Moves the checkpoint aside, for {@code --recover=cleanup}; where it went, if it existed. */
  public Optional<Path> discard() throws IOException {
    return checkpoint.discard();
  }

  public Path file() {
    return checkpoint.file();
  }
}
