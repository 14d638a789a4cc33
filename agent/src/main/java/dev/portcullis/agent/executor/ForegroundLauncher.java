package dev.portcullis.agent.executor;

import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.oci.OciBundle;
import dev.portcullis.agent.oci.OciRuntime;
import dev.portcullis.api.ContainerId;
import dev.portcullis.spawn.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code portcullis run}'s launcher: the task runs in the agent's working directory, its output
 * goes to the agent's standard error (standard output carries only status updates), and nothing is
 * recorded, since only this agent, its parent, ever waits for it.
 */
public final class ForegroundLauncher implements TaskLauncher {

  private final TaskUsers users;
  private final Path directory;
  private final OciLaunch oci;

  /** The bundles written for the tasks that run in OCI containers, until they are released. */
  private final Map<ContainerId, Path> bundles = new ConcurrentHashMap<>();

  /**
   * @param users which user the task's command runs as
   * @param directory the task's working directory, which an OCI container mounts as its sandbox
   * @param runtime the OCI runtime that runs a task naming a container, if the agent has one
   */
  public ForegroundLauncher(TaskUsers users, Path directory, Optional<OciRuntime> runtime) {
    this.users = users;
    this.directory = directory;
    this.oci = new OciLaunch(runtime);
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
  public HeldProcess start(String executor, String ports, TaskRecord task, Optional<String> cgroup)
      throws IOException {
    List<String> command;
    if (task.oci().isPresent()) {
      // Nothing of run's is kept on disk: the bundle lives in a temporary directory until the
      // container is released.
      Path bundle = Files.createTempDirectory("portcullis-oci-");
      bundles.put(task.container(), bundle);
      command = oci.command(task, bundle, Map.of(), directory, cgroup);
    } else {
      command = users.command(task.user(), task.command());
    }
    return TaskShell.start(
        command,
        directory,
        Optional.empty(),
        Map.of(),
        TaskShell.Output.TO_STANDARD_ERROR,
        // The shell writes nothing itself, and the command's output goes to standard error.
        Output.discard(),
        Output.inherit());
  }

  @Override
  public Optional<Integer> recordedExitStatus(TaskRecord task) {
    return Optional.empty();
  }

  @Override
  public void released(ContainerId container) throws IOException {
    try {
      oci.released(container.toString());
    } finally {
      Path bundle = bundles.remove(container);
      if (bundle != null) {
        Files.deleteIfExists(bundle.resolve(OciBundle.CONFIG));
        Files.deleteIfExists(bundle);
      }
    }
  }

  @Override
  public void discard(ExecutorRecord executor) {
    // Nothing was made.
  }
}
