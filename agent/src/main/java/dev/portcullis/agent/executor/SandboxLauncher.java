package dev.portcullis.agent.executor;

import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.agent.oci.OciRuntime;
import dev.portcullis.api.ContainerId;
import dev.portcullis.spawn.ExitWatch;
import dev.portcullis.spawn.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's launcher: each task runs in a sandbox of its own under the work directory, {@code
 * sandboxes/<executor container>/<task id>}, with its output in {@code stdout} and {@code stderr}
 * there (never a pipe to the agent: a task must outlive the agent's crash without a {@code
 * SIGPIPE}), and its shell records the command's exit status for a later agent to read.
 *
 * <p>A task with a user owns its sandbox and output files, so that it can write there, while its
 * shell stays the agent's; its status is therefore recorded beside the sandbox, where the task can
 * neither forge it nor leave a link for the shell to write through. A task without a user records
 * it in its sandbox, as always.
 */
public final class SandboxLauncher implements TaskLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxLauncher.class);

  /** The directory of the work directory that holds the sandboxes. */
  public static final String SANDBOXES = "sandboxes";

  /**
   * The file, in the sandbox, where a task that runs as the agent's user records its exit status; a
   * checkpoint that names no status file, written before tasks had users, means this one.
   */
  public static final String EXIT_STATUS_FILE = "exit_status";

  /** A task's exit status file, beside its sandbox, is the sandbox's name with this suffix. */
  public static final String EXIT_STATUS_SUFFIX = ".exit_status";

  private static final FileAttribute<Set<PosixFilePermission>> NOT_WRITABLE_BY_OTHERS =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));

  /** A task's OCI bundle, beside its sandbox, is the sandbox's name with this suffix. */
  public static final String BUNDLE_SUFFIX = ".oci";

  private final Path sandboxes;
  private final TaskUsers users;
  private final OciLaunch oci;

  /**
   * @param workDir the agent's work directory
   * @param users which user each task's command runs as
   * @param runtime the OCI runtime that runs tasks naming a container, if the agent has one
   */
  public SandboxLauncher(Path workDir, TaskUsers users, Optional<OciRuntime> runtime) {
    this.sandboxes = workDir.resolve(SANDBOXES);
    this.users = users;
    this.oci = new OciLaunch(runtime);
  }

  @Override
  public TaskFiles place(String executor, String root, TaskSpec task) {
    Path executorDir = sandboxes.resolve(root);
    Path sandbox = executorDir.resolve(task.taskId());
    // Ids hold no '.', so no sandbox can have the status file's name.
    Path status =
        task.user().isPresent()
            ? executorDir.resolve(task.taskId() + EXIT_STATUS_SUFFIX)
            : sandbox.resolve(EXIT_STATUS_FILE);
    return new TaskFiles(sandbox, Optional.of(status));
  }

  @Override
  public void prepare(TaskFiles files) throws IOException {
    // Never writable by others, whatever the agent's umask: the executor's directory holds the
    // exit status files its tasks must not touch.
    Files.createDirectories(files.sandbox(), NOT_WRITABLE_BY_OTHERS);
  }

  @Override
  public HeldProcess start(String executor, String ports, TaskRecord task, Optional<String> cgroup)
      throws IOException {
    Path sandbox = task.sandbox();
    Path stdout = sandbox.resolve("stdout");
    Path stderr = sandbox.resolve("stderr");
    List<String> command;
    Map<String, String> environment;
    if (task.oci().isPresent()) {
      // The shell's own environment is the runtime's; the command's is the bundle's.
      environment = Map.of();
      Path bundle = sandbox.resolveSibling(task.taskId() + BUNDLE_SUFFIX);
      Files.createDirectories(bundle, NOT_WRITABLE_BY_OTHERS);
      command =
          oci.command(
              task,
              bundle,
              environment(OciContainer.SANDBOX_MOUNT, executor, task, ports),
              sandbox,
              cgroup);
    } else {
      environment = environment(sandbox.toString(), executor, task, ports);
      command = users.command(task.user(), task.command());
    }
    HeldProcess shell =
        TaskShell.start(
            command,
            sandbox,
            task.exitStatusFile(),
            environment,
            TaskShell.Output.AS_REDIRECTED,
            Output.appendTo(stdout),
            Output.appendTo(stderr));
    if (task.user().isPresent()) {
      // Only now: the output files were opened by the agent while the sandbox was still its own,
      // so no link the user could have put there was followed.
      try {
        for (Path path : List.of(stdout, stderr, sandbox)) {
          chown(path, task.user().get());
        }
      } catch (IOException | RuntimeException e) {
        shell.destroyForcibly();
        throw new IOException(
            "cannot give the sandbox "
                + sandbox
                + " to user "
                + task.user().get().name()
                + ": "
                + e,
            e);
      }
    }
    return shell;
  }

  private static Map<String, String> environment(
      String sandbox, String executor, TaskRecord task, String ports) {
    return Map.of(
        "PORTCULLIS_SANDBOX",
        sandbox,
        "PORTCULLIS_EXECUTOR_ID",
        executor,
        "PORTCULLIS_TASK_ID",
        task.taskId(),
        "PORTCULLIS_ALLOCATED_PORTS",
        ports);
  }

  private static void chown(Path path, TaskUser owner) throws IOException {
    // By number: the user was resolved once, and a name could map elsewhere by now. The casts
    // keep the bits of ids above 2^31, which uid_t holds.
    Files.setAttribute(path, "unix:uid", (int) owner.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", (int) owner.gid(), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public Optional<Integer> recordedExitStatus(TaskRecord task) throws IOException {
    return task.exitStatusFile().isPresent()
        ? TaskShell.recordedExitStatus(task.exitStatusFile().get())
        : Optional.empty();
  }

  /** The host's watch, where pidfds can be opened through jnr-ffi. */
  @Override
  public Optional<ExitWatch> exitWatch() {
    return Watches.HOST;
  }

  /** The host's watch, looked for once. */
  private static final class Watches {
    static final Optional<ExitWatch> HOST = find();

    private static Optional<ExitWatch> find() {
      try {
        return Optional.of(ExitWatch.get());
      } catch (IOException e) {
        LOG.debug("Recovered tasks are looked at through their files: {}", e.getMessage());
        return Optional.empty();
      }
    }
  }

  @Override
  public void released(ContainerId container) throws IOException {
    oci.released(container.toString());
  }

  @Override
  public void discard(ExecutorRecord executor) {
    Path directory = sandboxes.resolve(executor.container().toString());
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("Could not delete the sandboxes in {}: {}", directory, e.getMessage());
    }
  }
}
