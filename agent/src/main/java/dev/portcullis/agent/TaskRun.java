package dev.portcullis.agent;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.ScanScheduler;
import dev.portcullis.core.config.IsolatorConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task, from its container's creation to its removal: launches the command into its
 * confinement, enforces its ports while it runs, waits for it to end in one of three ways — it
 * exits, the isolator limits it, or {@code portcullis run} is told to stop — and then kills what is
 * left, removes the container and reports the terminal state once.
 *
 * <p>The three endings race, so the first one completes {@link #ending} and the others find it
 * done. One exception: the isolator kills a task before raising the limitation, so the exit is
 * often seen first; scans are therefore stopped (waiting for the one under way) before the ending
 * is settled, and a limitation raised by then decides the state.
 */
final class TaskRun {

  private static final Logger LOG = LoggerFactory.getLogger(TaskRun.class);

  /** Longer than the process tracker's bounded kill: by then the task's process must be gone. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(15);

  private final RunSettings settings;
  private final ContainerId container;
  private final TaskConfinement confinement;
  private final Optional<PortsIsolator> isolator;
  private final Optional<StoppableScanScheduler> scheduler;
  private final StatusUpdates updates;
  private final AtomicLong scans;

  /** The first ending: completed once, by whichever of the three comes first. */
  private final CompletableFuture<Termination> ending = new CompletableFuture<>();

  /** Completed with the exit status once the run has reported, or has failed to start. */
  private final CompletableFuture<Integer> exitStatus = new CompletableFuture<>();

  private CompletableFuture<ContainerLimitation> limitation = new CompletableFuture<>();

  private TaskRun(
      RunSettings settings,
      ContainerId container,
      TaskConfinement confinement,
      Optional<PortsIsolator> isolator,
      Optional<StoppableScanScheduler> scheduler,
      AtomicLong scans,
      PrintWriter out) {
    this.settings = settings;
    this.scans = scans;
    this.container = container;
    this.confinement = confinement;
    this.isolator = isolator;
    this.scheduler = scheduler;
    this.updates = new StatusUpdates(out, settings.taskId(), container, Clock.systemUTC());
  }

  /**
   * Selects the providers the settings need and builds the run; nothing is created or launched.
   *
   * @throws StartupException if a provider cannot be selected
   */
  static TaskRun prepare(RunSettings settings, PrintWriter out) {
    // A fresh UUID, as Mesos gives every container: never an existing cgroup.
    ContainerId container = ContainerId.of(UUID.randomUUID().toString());
    if (!settings.linuxLauncher()) {
      return new TaskRun(
          settings,
          container,
          new ProcessTreeConfinement(),
          Optional.empty(),
          Optional.empty(),
          new AtomicLong(),
          out);
    }
    HostProviders.Host host = HostProviders.select(settings.agent());
    TaskConfinement confinement =
        new CgroupConfinement(host.tracker(), container, cgroupsRoot(settings.config()));
    if (host.ports().isEmpty()) {
      return new TaskRun(
          settings,
          container,
          confinement,
          Optional.empty(),
          Optional.empty(),
          new AtomicLong(),
          out);
    }
    LOG.info("Isolator network/ports: {}", settings.config().describe());
    StoppableScanScheduler scheduler = new StoppableScanScheduler(ScanScheduler.singleThread());
    AtomicLong scans = new AtomicLong();
    PortsIsolator isolator =
        host.ports().get().scheduler(scheduler).onScan(report -> scans.incrementAndGet()).build();
    return new TaskRun(
        settings,
        container,
        confinement,
        Optional.of(isolator),
        Optional.of(scheduler),
        scans,
        out);
  }

  private static String cgroupsRoot(IsolatorConfig config) {
    return config
        .providerSettings()
        .get(ProcessTracker.CGROUPS_ROOT_SETTING)
        .orElse("(default root)");
  }

  /**
   * Runs the task to its end and reports it.
   *
   * @return 0 if the task finished, 1 for any other terminal state
   * @throws StartupException if the container cannot be made; nothing was launched and nothing is
   *     left
   */
  int run() {
    int status = Main.USAGE;
    try {
      TerminationSignals.install(
          message -> {
            if (!ending.complete(new Termination.Killed(message))) {
              LOG.info("Already ending the task; it will be reported once cleaned up");
            }
          },
          exitStatus);
      createContainer();
      updates.send(TaskState.TASK_STARTING);
      Termination termination;
      HeldTask task = null;
      try {
        task = launch();
        termination = settle(ending.join());
      } finally {
        tearDown(task);
      }
      LOG.info("Task {} is {}: {}", settings.taskId(), termination.state(), termination.message());
      updates.send(termination);
      status = termination.state() == TaskState.TASK_FINISHED ? 0 : 1;
      return status;
    } finally {
      exitStatus.complete(status);
    }
  }

  private void createContainer() {
    LOG.info(
        "Task {} runs in container {}, confined to {}; allocated ports {}{}",
        settings.taskId(),
        container,
        confinement.describe(),
        settings.task().ports(),
        settings.task().onNamedNetwork() ? ", networks " + settings.task().networks() : "");
    try {
      confinement.create();
      if (isolator.isPresent()) {
        isolator.get().prepare(container, settings.task());
        limitation = isolator.get().watch(container).toCompletableFuture();
        limitation.thenAccept(limited -> ending.complete(new Termination.Limited(limited)));
        isolator.get().start();
      }
    } catch (IOException | RuntimeException e) {
      undoContainer();
      throw new StartupException(
          "cannot create the task's container " + container + ": " + e.getMessage(), e);
    }
  }

  private void undoContainer() {
    isolator.ifPresent(
        ports -> {
          ports.cleanup(container);
          ports.close();
        });
    try {
      confinement.remove();
    } catch (IOException e) {
      LOG.error(
          "Could not remove the container {} that failed to start: {}", container, e.getMessage());
    }
  }

  /**
   * Starts the command held, confines it, and releases it, unless the run is already ending.
   *
   * @return the held task, if it was started
   */
  private HeldTask launch() {
    if (ending.isDone()) {
      return null;
    }
    HeldTask task;
    try {
      task = HeldTask.start(settings.argv());
    } catch (IOException | RuntimeException e) {
      LOG.error("Cannot start the task's shell", e);
      ending.complete(new Termination.LaunchFailed("cannot start /bin/sh: " + e.getMessage()));
      return null;
    }
    task.exit().thenAccept(status -> ending.complete(new Termination.Exited(status)));
    try {
      confinement.place(task.pid());
    } catch (IOException | RuntimeException e) {
      LOG.error("Cannot confine the task's process {}", task.pid(), e);
      ending.complete(
          new Termination.LaunchFailed(
              "cannot move its process "
                  + task.pid()
                  + " into "
                  + confinement.describe()
                  + ": "
                  + e.getMessage()));
      return task;
    }
    if (ending.isDone()) {
      // Told to stop while confining: the command must never start.
      return task;
    }
    try {
      task.release();
    } catch (IOException e) {
      ending.complete(
          new Termination.LaunchFailed(
              "its shell exited before it could start the command: " + e.getMessage()));
      return task;
    }
    LOG.info(
        "Task {} is running as pid {}{}: {}",
        settings.taskId(),
        task.pid(),
        settings.user().map(user -> ", as user " + user.describe()).orElse(""),
        settings.command());
    updates.send(TaskState.TASK_RUNNING);
    return task;
  }

  /** The ending to report, once no scan runs any more. */
  private Termination settle(Termination first) {
    scheduler.ifPresent(StoppableScanScheduler::stop);
    if (first instanceof Termination.Exited) {
      // A process that a port guard killed for listening is a limitation, not an exit.
      isolator.ifPresent(PortsIsolator::checkGuards);
    }
    if (first instanceof Termination.Exited
        && limitation.isDone()
        && !limitation.isCompletedExceptionally()) {
      return new Termination.Limited(limitation.join());
    }
    return first;
  }

  /** Leaves nothing behind: no scan, no process, no cgroup, no tracked container. */
  private void tearDown(HeldTask task) {
    scheduler.ifPresent(StoppableScanScheduler::stop);
    try {
      // Even after a clean exit: a daemon the task forked must not outlive it.
      confinement.killAll();
    } catch (IOException e) {
      LOG.error("Could not kill every process of task {}: {}", settings.taskId(), e.getMessage());
    }
    if (task != null) {
      // Only a shell that was never confined (or the POSIX launcher's task) is still alive here.
      task.destroyForcibly();
      awaitExit(task);
    }
    // Before the cgroup goes, with every process gone: a port guard's last refusals are read
    // from the cgroup while it still holds the guard.
    isolator.ifPresent(
        ports -> {
          ports.cleanup(container);
          ports.close();
          LOG.info("Scanned {} time(s) while task {} ran", scans.get(), settings.taskId());
        });
    try {
      confinement.remove();
    } catch (IOException e) {
      LOG.error("Could not remove {}: {}", confinement.describe(), e.getMessage());
    }
  }

  private void awaitExit(HeldTask task) {
    try {
      if (!task.awaitExit(EXIT_WAIT)) {
        LOG.error("The task's process {} did not exit within {}", task.pid(), EXIT_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.error("Interrupted while waiting for the task's process {} to exit", task.pid());
    }
  }
}
