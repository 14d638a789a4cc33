package dev.portcullis.agent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.agent.executor.ExecutorRecord;
import dev.portcullis.agent.executor.Journal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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

  public CheckpointJournal(Path workDir, String cgroupsRoot, String processTracker) {
    this.checkpoint = new Checkpoint(workDir);
    this.cgroupsRoot = cgroupsRoot;
    this.processTracker = processTracker;
  }

  @Override
  public void save(List<ExecutorRecord> executors) throws IOException {
    checkpoint.write(CheckpointFormat.write(cgroupsRoot, processTracker, executors));
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
