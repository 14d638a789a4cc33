package dev.portcullis.agent.run;

import dev.portcullis.agent.cli.HostProviders;
import dev.portcullis.agent.cli.StartupException;
import dev.portcullis.agent.executor.CoreLoop;
import dev.portcullis.agent.executor.CoreObserver;
import dev.portcullis.agent.executor.CoreSettings;
import dev.portcullis.agent.executor.ExecutorCore;
import dev.portcullis.agent.executor.ExecutorSpec;
import dev.portcullis.agent.executor.ForegroundLauncher;
import dev.portcullis.agent.executor.Journal;
import dev.portcullis.agent.executor.LaunchFailedException;
import dev.portcullis.agent.executor.TaskLayout;
import dev.portcullis.agent.executor.TaskSpec;
import dev.portcullis.agent.executor.TaskState;
import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.agent.status.StatusLines;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.core.PortsIsolatorBuilder;
import dev.portcullis.core.ScanReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task, from its container's creation to its removal: the executor core with one executor,
 * whose one task is its container, reporting on standard output. The core launches the task,
 * enforces its ports until it ends — it exits, the isolator limits it, or {@code portcullis run} is
 * told to stop — kills what is left, removes the container and reports the terminal state once.
 */
final class TaskRun {

  private static final Logger LOG = LoggerFactory.getLogger(TaskRun.class);

  private final RunSettings settings;
  private final ExecutorCore core;
  private final StatusLines lines;
  private final AtomicLong scans;

  /** A stop asked for before the task was launched, to be carried out once it is; loop-confined. */
  private Optional<String> pendingStop = Optional.empty();

  /** Completed with the exit status once the run has reported, or has failed to start. */
  private final CompletableFuture<Integer> exitStatus = new CompletableFuture<>();

  private TaskRun(RunSettings settings, ExecutorCore core, StatusLines lines, AtomicLong scans) {
    this.settings = settings;
    this.core = core;
    this.lines = lines;
    this.scans = scans;
  }

  /**
   * Selects the providers the settings need and builds the run; nothing is created or launched.
   *
   * @throws StartupException if a provider cannot be selected
   */
  static TaskRun prepare(RunSettings settings, PrintWriter out) {
    ProcessTracker tracker;
    Optional<PortsIsolatorBuilder> ports = Optional.empty();
    if (settings.linuxLauncher()) {
      HostProviders.Host host = HostProviders.select(settings.agent());
      tracker = host.tracker();
      ports = host.ports();
      if (ports.isPresent()) {
        LOG.info("Isolator network/ports: {}", settings.config().describe());
      }
    } else {
      // The isolator needs the Linux launcher: without cgroups, a task is its process tree.
      tracker = new ProcessTreeTracker();
    }
    StatusLines lines = new StatusLines(out);
    AtomicLong scans = new AtomicLong();
    ExecutorCore core =
        new ExecutorCore(
            tracker,
            ports,
            new ForegroundLauncher(
                settings.users(), Path.of("").toAbsolutePath(), settings.agent().oci()),
            lines,
            Journal.NONE,
            new CoreObserver() {
              @Override
              public void scanned(ScanReport report) {
                scans.incrementAndGet();
              }
            },
            new CoreSettings(TaskLayout.IN_EXECUTOR, 1),
            Clock.systemUTC());
    return new TaskRun(settings, core, lines, scans);
  }

  /**
   * Runs the task to its end and reports it.
   *
   * @return 0 if the task finished, 1 for any other terminal state
   * @throws StartupException if the container cannot be made; nothing was launched and nothing is
   *     left
   */
  int run() {
    int status = StartupException.EXIT_STATUS;
    CoreLoop loop = new CoreLoop(core, "portcullis-run");
    try {
      String executor = settings.taskId();
      TerminationSignals.install(
          message -> loop.submit("Killing the task", () -> stop(executor, message)), exitStatus);
      loop.call(
          started -> {
            started.startFresh();
            started.launch(spec());
            // Told to stop while launching: the task is killed at once.
            pendingStop.ifPresent(message -> started.kill(executor, message));
            return null;
          });
      loop.start(settings.config().watchInterval());
      TaskStatus terminal = lines.terminal().join();
      // The terminal update comes before the teardown, in the same call on the loop: once this
      // next call runs, the container is gone.
      loop.call(done -> done.executor(executor));
      status = terminal.state() == TaskState.TASK_FINISHED ? 0 : 1;
      return status;
    } catch (LaunchFailedException e) {
      if (e.started()) {
        // Reported on standard output as the task's terminal state.
        status = 1;
        return status;
      }
      throw new StartupException(
          "cannot create the task's container "
              + e.executor().container()
              + ": "
              + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()),
          e);
    } finally {
      loop.close();
      if (core.isolatesPorts()) {
        LOG.info("Scanned {} time(s) while task {} ran", scans.get(), settings.taskId());
      }
      exitStatus.complete(status);
    }
  }

  private ExecutorSpec spec() {
    return new ExecutorSpec(
        settings.taskId(),
        "ports:" + settings.task().ports(),
        settings.task().ports(),
        settings.task().networks(),
        List.of(
            new TaskSpec(settings.taskId(), settings.command(), settings.user(), settings.oci())));
  }

  /** Kills the task, unless it has ended; the core reports it {@code TASK_KILLED}. */
  private void stop(String executor, String message) {
    if (core.executors().isEmpty()) {
      pendingStop = Optional.of(message);
      return;
    }
    if (lines.terminal().isDone()) {
      LOG.info("Already ending the task; it will be reported once cleaned up");
      return;
    }
    core.kill(executor, message);
  }
}
