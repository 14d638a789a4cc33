package dev.portcullis.agent.executor;

import dev.portcullis.agent.host.TaskUsers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code portcullis run}'s launcher: the task runs in the agent's working directory, its output
 * goes to the agent's standard error (standard output carries only status updates), and nothing is
 * recorded, since only this agent, its parent, ever waits for it.
 */
public final class ForegroundLauncher implements TaskLauncher {

  private final TaskUsers users;
  private final Path directory;

  /**
   * @param users which user the task's command runs as
   * @param directory the task's working directory
   */
  public ForegroundLauncher(TaskUsers users, Path directory) {
    this.users = users;
    this.directory = directory;
  }

  @Override
  public TaskFiles place(String executor, String root, TaskSpec task) {
    return new TaskFiles(directory, Optional.empty());
  }

  @Override
  public void prepare(TaskFiles files) {
    // The working directory exists: nothing to make.
  }

  @Override
  public HeldProcess start(String executor, String ports, TaskRecord task) throws IOException {
    return TaskShell.start(
        users.command(task.user(), task.command()),
        directory,
        Optional.empty(),
        Map.of(),
        TaskShell.Output.TO_STANDARD_ERROR,
        // The shell writes nothing itself, and the command's output goes to standard error.
        new ProcessBuilder()
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT));
  }

  @Override
  public Optional<Integer> recordedExitStatus(TaskRecord task) {
    return Optional.empty();
  }

  @Override
  public void discard(ExecutorRecord executor) {
    // Nothing was made.
  }
}
