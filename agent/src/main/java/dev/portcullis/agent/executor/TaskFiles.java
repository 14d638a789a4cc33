package dev.portcullis.agent.executor;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a task's files are, as its launcher chose them.
 *
 * @param sandbox the task's working directory
 * @param exitStatus where the task's supervising shell records the command's exit status, so that a
 *     later agent, no parent of the task, can still tell how it ended; empty when only the
 *     launching agent ever waits for the task
 */
public record TaskFiles(Path sandbox, Optional<Path> exitStatus) {

  /** Checks for nulls. */
  public TaskFiles {
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(exitStatus, "exitStatus");
  }
}
