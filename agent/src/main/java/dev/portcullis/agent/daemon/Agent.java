package dev.portcullis.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.TaskState;
import dev.portcullis.agent.TaskStatus;
import dev.portcullis.agent.Termination;
import dev.portcullis.agent.daemon.AgentMetrics.KillReason;
import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.core.ContainerObservation;
import dev.portcullis.core.PortGuardException;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.RecoveredContainer;
import dev.portcullis.core.ScanFailedException;
import dev.portcullis.core.ScanReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent daemon's state and every change to it: launching executors, watching their tasks end,
 * enforcing their ports, killing them, checkpointing, and recovering after a restart.
 *
 * <p>Everything runs on one thread, the agent's loop: API calls, scans, and the reaping of tasks
 * that ended. So no two changes ever race, and in particular a scan that kills an executor for its
 * ports has raised the limitation before the loop can see the killed tasks exit: they are reported
 * limited, never merely exited. The cost is that a slow kill delays other calls, within the process
 * tracker's bound.
 */
final class Agent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  /** How often tasks are checked for having ended; a task's own exit is noticed within this. */
  private static final Duration REAP_INTERVAL = Duration.ofMillis(200);

  private static final String SANDBOXES = "sandboxes";

  private static final FileAttribute<Set<PosixFilePermission>> NOT_WRITABLE_BY_OTHERS =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));

  /** A task's exit status file is its sandbox's name with this suffix. */
  static final String EXIT_STATUS_SUFFIX = ".exit_status";

  private final DaemonConfig config;
  private final ProcessTracker tracker;
  private final Optional<PortsIsolator> isolator;
  private final Checkpoint checkpoint;
  private final StatusStream stream;
  private final AgentMetrics metrics;
  private final Clock clock;
  private final ScheduledExecutorService loop;

  /** Every executor held, running or terminated, in launch order. */
  private final Map<String, ExecutorEntry> executors = new LinkedHashMap<>();

  /** The executor of every task held: task ids are unique on the agent. */
  private final Map<String, String> taskOwners = new HashMap<>();

  private long scans;
  private Optional<Instant> lastScan = Optional.empty();

  /**
   * Whether recovery is done: until then the checkpoint holds what the previous run left, and must
   * never be overwritten, not even when start-up fails.
   */
  private boolean recoveryDone;

  Agent(DaemonConfig config, StatusStream stream, AgentMetrics metrics, Clock clock) {
    this.config = config;
    this.tracker = config.tracker();
    this.checkpoint = new Checkpoint(config.workDir());
    this.stream = stream;
    this.metrics = metrics;
    this.clock = clock;
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "portcullis-agent");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.loop = executor;
    this.isolator =
        config
            .ports()
            .map(
                ports ->
                    ports
                        // Scans run on the agent's loop (see scan()), never on this scheduler.
                        .scheduler((scan, initialDelay, delay) -> () -> {})
                        .clock(clock)
                        .onScan(this::scanned)
                        .build());
  }

  // ---- Start-up ----------------------------------------------------------------------------

  /**
   * Recovers what the work directory's checkpoint and the cgroups root hold, then starts reaping
   * and scanning. The first scan runs before this returns, so recovered tasks are enforced at once.
   *
   * @throws CheckpointException if the checkpoint cannot be used and clean-up was not asked for
   */
  void start() throws CheckpointException {
    try {
      call(
          () -> {
            recover();
            return null;
          });
    } catch (CheckpointRuntimeException e) {
      throw e.checked;
    }
    loop.scheduleWithFixedDelay(
        this::reapSafely,
        REAP_INTERVAL.toMillis(),
        REAP_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    if (isolator.isPresent()) {
      long interval = config.config().watchInterval().toNanos();
      loop.scheduleWithFixedDelay(this::scan, interval, interval, TimeUnit.NANOSECONDS);
    }
  }

  private void recover() throws IOException {
    Optional<CheckpointFormat.Content> content;
    try {
      content = readCheckpoint();
    } catch (CheckpointException e) {
      if (!config.recoverCleanup()) {
        throw new CheckpointRuntimeException(e);
      }
      LOG.warn("--recover=cleanup: ignoring the checkpoint: {}", e.getMessage());
      content = Optional.empty();
    }
    if (config.recoverCleanup()) {
      cleanUpEverything();
      recoveryDone = true;
      writeCheckpoint();
      return;
    }
    List<RecoveredContainer> recovered = new ArrayList<>();
    Set<ContainerId> known = new HashSet<>();
    for (ExecutorEntry executor :
        content.map(CheckpointFormat.Content::executors).orElse(List.of())) {
      register(executor);
      if (executor.terminated()) {
        finishTeardown(executor);
        continue;
      }
      known.add(executor.container());
      recovered.add(RecoveredContainer.known(executor.container(), executor.config()));
      for (TaskEntry task : executor.tasks()) {
        known.add(task.container());
        if (!task.state().isTerminal() && tracker.exists(task.container())) {
          recovered.add(RecoveredContainer.known(task.container(), noPorts()));
        }
      }
    }
    removeOrphans(known);
    isolator.ifPresent(ports -> ports.recover(recovered));
    int live = 0;
    for (ExecutorEntry executor : List.copyOf(executors.values())) {
      if (executor.terminated()) {
        continue;
      }
      watch(executor);
      for (TaskEntry task : executor.liveTasks()) {
        if (task.state() == TaskState.TASK_STARTING && !executor.terminated()) {
          // Never released: its held shell exits when it finds the old agent's pipe closed.
          taskEnded(
              executor,
              task,
              new Termination.LaunchFailed("the agent stopped before it could start the task"));
        }
      }
      live += executor.liveTasks().size();
    }
    reap();
    LOG.info(
        "Recovered {} executor(s) from {}; {} task(s) were running when the agent stopped",
        executors.size(),
        checkpoint.file(),
        live);
    scan();
    recoveryDone = true;
    writeCheckpoint();
  }

  private Optional<CheckpointFormat.Content> readCheckpoint() throws CheckpointException {
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
    if (!content.cgroupsRoot().equals(config.cgroupsRoot())
        || !content.processTracker().equals(tracker.name())) {
      throw new CheckpointException(
          "the checkpoint "
              + checkpoint.file()
              + " was written by an agent with --cgroups_root="
              + content.cgroupsRoot()
              + " and process tracker "
              + content.processTracker()
              + "; this one has --cgroups_root="
              + config.cgroupsRoot()
              + " and "
              + tracker.name()
              + ", where those tasks cannot be found");
    }
    return Optional.of(content);
  }

  /** {@code --recover=cleanup}: every container under the root is killed and removed. */
  private void cleanUpEverything() throws IOException {
    checkpoint.discard().ifPresent(aside -> LOG.warn("Moved the old checkpoint to {}", aside));
    for (ContainerId container : topLevel(tracker.containers())) {
      LOG.warn("--recover=cleanup: killing and removing container {}", container);
      killAndRemove(container);
      metrics.killed(KillReason.RECOVERY_CLEANUP);
    }
  }

  /** Kills and removes every container under the root that {@code known} does not hold. */
  private void removeOrphans(Set<ContainerId> known) throws IOException {
    List<ContainerId> orphans = new ArrayList<>();
    for (ContainerId container : tracker.containers()) {
      if (!known.contains(container)) {
        orphans.add(container);
      }
    }
    for (ContainerId orphan : topLevel(orphans)) {
      LOG.warn(
          "Container {} is under the agent's cgroups root but no checkpoint knows it: killing and"
              + " removing it",
          orphan);
      killAndRemove(orphan);
      metrics.killed(KillReason.ORPHAN);
    }
  }

  /** The containers none of whose ancestors is in the set: killing those kills them all. */
  private static List<ContainerId> topLevel(Iterable<ContainerId> containers) {
    Set<ContainerId> all = new HashSet<>();
    containers.forEach(all::add);
    List<ContainerId> top = new ArrayList<>();
    for (ContainerId container : all) {
      Optional<ContainerId> parent = container.parent();
      boolean covered = false;
      while (parent.isPresent() && !covered) {
        covered = all.contains(parent.get());
        parent = parent.get().parent();
      }
      if (!covered) {
        top.add(container);
      }
    }
    top.sort(Comparator.comparing(ContainerId::toString));
    return top;
  }

  // ---- The API --------------------------------------------------------------------------

  /** Launches an executor and its tasks, or nothing if the request conflicts with what is held. */
  ObjectNode launch(ExecutorSpec spec) {
    return call(() -> doLaunch(spec));
  }

  private ObjectNode doLaunch(ExecutorSpec spec) {
    ExecutorEntry existing = executors.get(spec.executorId());
    if (existing != null) {
      throw BadRequest.conflict(
          "executor_id",
          "executor '"
              + spec.executorId()
              + "' exists already"
              + (existing.terminated() ? " (terminated; ids are not reused)" : ""));
    }
    for (int i = 0; i < spec.tasks().size(); i++) {
      String taskId = spec.tasks().get(i).taskId();
      if (taskOwners.containsKey(taskId)) {
        throw BadRequest.conflict(
            "tasks[" + i + "].task_id",
            "task '" + taskId + "' exists already, in executor '" + taskOwners.get(taskId) + "'");
      }
    }
    ContainerId root = ContainerId.of(UUID.randomUUID().toString());
    ExecutorEntry executor =
        new ExecutorEntry(
            spec.executorId(), root, spec.resources(), spec.ports(), spec.networks(), false);
    Path sandboxes = config.workDir().resolve(SANDBOXES).resolve(root.toString());
    for (TaskSpec task : spec.tasks()) {
      Path sandbox = sandboxes.resolve(task.taskId());
      // A task with a user owns its sandbox, so its status goes beside it, where the task can
      // neither forge it nor leave a link for the shell to write through. Ids hold no '.', so no
      // sandbox can have that name. A task without a user keeps it in its sandbox, as always.
      Path status =
          task.user().isPresent()
              ? sandboxes.resolve(task.taskId() + EXIT_STATUS_SUFFIX)
              : sandbox.resolve(TaskProcess.EXIT_STATUS_FILE);
      executor.add(
          new TaskEntry(
              task.taskId(),
              root.child(UUID.randomUUID().toString()),
              task.command(),
              task.user(),
              sandbox,
              status,
              TaskState.TASK_STARTING));
    }
    register(executor);
    LOG.info(
        "Launching executor {} in container {} with {} task(s); allocated ports {}{}",
        executor.executorId(),
        root,
        executor.tasks().size(),
        executor.ports(),
        executor.networks().isEmpty() ? "" : ", networks " + executor.networks());
    try {
      // Checkpointed before any cgroup exists: a crash from here on leaves a record that
      // recovery can finish, never an unknown cgroup.
      checkpoint.write(checkpointContent());
      createContainers(executor);
      startTasks(executor);
    } catch (IOException | RuntimeException e) {
      launchFailed(executor, e);
      throw new LaunchFailedException(
          "cannot launch executor '" + executor.executorId() + "': " + e.getMessage(),
          Views.executor(executor));
    }
    writeCheckpoint();
    return Views.executor(executor);
  }

  private void createContainers(ExecutorEntry executor) throws IOException {
    tracker.create(executor.container());
    isolator.ifPresent(ports -> ports.prepare(executor.container(), executor.config()));
    for (TaskEntry task : executor.tasks()) {
      // Never writable by others, whatever the agent's umask: the executor's directory holds the
      // exit status files its tasks must not touch.
      Files.createDirectories(task.sandbox(), NOT_WRITABLE_BY_OTHERS);
      tracker.create(task.container());
      isolator.ifPresent(ports -> ports.prepare(task.container(), noPorts()));
    }
    watch(executor);
  }

  /** Starts every task held, confines each, then lets them all run. */
  private void startTasks(ExecutorEntry executor) throws IOException {
    for (TaskEntry task : executor.tasks()) {
      report(executor, task, TaskState.TASK_STARTING);
      TaskProcess process =
          TaskProcess.start(
              config.users().command(task.user(), task.command()),
              task.sandbox(),
              task.exitStatusFile(),
              Map.of(
                  "PORTCULLIS_SANDBOX", task.sandbox().toString(),
                  "PORTCULLIS_EXECUTOR_ID", executor.executorId(),
                  "PORTCULLIS_TASK_ID", task.taskId(),
                  "PORTCULLIS_ALLOCATED_PORTS", executor.ports().toString()),
              task.user());
      task.process(process);
      tracker.place(task.container(), process.pid());
    }
    for (TaskEntry task : executor.tasks()) {
      task.process().orElseThrow().release();
      LOG.info(
          "Task {} of executor {} is running as pid {}{}: {}",
          task.taskId(),
          executor.executorId(),
          task.pid().getAsLong(),
          task.user().map(user -> ", its command as user " + user.describe()).orElse(""),
          task.command());
      report(executor, task, TaskState.TASK_RUNNING);
    }
  }

  private void launchFailed(ExecutorEntry executor, Exception cause) {
    LOG.error("Cannot launch executor {}", executor.executorId(), cause);
    for (TaskEntry task : executor.tasks()) {
      // A shell that was never confined is not in the cgroup, so the tracker cannot kill it.
      task.process().ifPresent(TaskProcess::destroyForcibly);
    }
    killTasks(
        executor,
        new Termination.LaunchFailed(String.valueOf(cause.getMessage())),
        KillReason.LAUNCH_FAILED);
    finish(executor);
  }

  /** Replaces an executor's allocation with {@code allocation}'s ports, none if it has none. */
  ObjectNode update(String executorId, Requests.Allocation allocation) {
    String resources = allocation.resources();
    PortRanges ports = allocation.ports();
    return call(
        () -> {
          ExecutorEntry executor = find(executorId);
          if (executor.terminated()) {
            throw BadRequest.conflict("executor '" + executorId + "' has terminated");
          }
          try {
            isolator.ifPresent(isolated -> isolated.update(executor.container(), ports));
          } catch (PortGuardException e) {
            // The isolator judges the new allocation already: keep the record in step with it,
            // and tell the caller that the kernel still enforces the old one.
            executor.allocate(resources, ports);
            writeCheckpoint();
            throw e;
          }
          executor.allocate(resources, ports);
          LOG.info("Executor {} is now allocated ports {}", executorId, ports);
          writeCheckpoint();
          return Views.executor(executor);
        });
  }

  /** Kills an executor's tasks, each reported {@code TASK_KILLED}; a terminated one is left. */
  ObjectNode kill(String executorId) {
    return call(
        () -> {
          ExecutorEntry executor = find(executorId);
          if (!executor.terminated()) {
            LOG.info("Killing executor {} on request", executorId);
            killTasks(
                executor,
                new Termination.Killed("Killed by a kill request to the agent"),
                KillReason.KILL_REQUEST);
            finish(executor);
          }
          return Views.executor(executor);
        });
  }

  ObjectNode executors() {
    return call(() -> Views.executors(executors.values()));
  }

  ObjectNode executor(String executorId) {
    return call(() -> Views.executor(find(executorId)));
  }

  ObjectNode health() {
    return call(
        () -> {
          ObjectNode health = JsonNodeFactory.instance.objectNode();
          health.put("status", "ok");
          health.put(
              "executors_running",
              executors.values().stream().filter(e -> !e.terminated()).count());
          health.put("ports_isolated", isolator.isPresent());
          health.put("scans", scans);
          lastScan.ifPresentOrElse(
              at -> health.put("last_scan", at.toString()), () -> health.putNull("last_scan"));
          return health;
        });
  }

  String metrics() {
    return metrics.render(
        () ->
            call(
                () -> {
                  Map<String, Integer> executorStates =
                      new TreeMap<>(Map.of("running", 0, "terminated", 0));
                  Map<String, Integer> taskStates = new TreeMap<>();
                  for (TaskState state : TaskState.values()) {
                    taskStates.put(state.name(), 0);
                  }
                  for (ExecutorEntry executor : executors.values()) {
                    executorStates.merge(
                        executor.terminated() ? "terminated" : "running", 1, Integer::sum);
                    for (TaskEntry task : executor.tasks()) {
                      taskStates.merge(task.state().name(), 1, Integer::sum);
                    }
                  }
                  return new AgentMetrics.Gauges(
                      isolator.map(ports -> ports.trackedContainers().size()).orElse(0),
                      executorStates,
                      taskStates,
                      stream.readers(),
                      stream.dropped());
                }));
  }

  private ExecutorEntry find(String executorId) {
    ExecutorEntry executor = executors.get(executorId);
    if (executor == null) {
      throw BadRequest.unknownExecutor(executorId);
    }
    return executor;
  }

  // ---- Tasks ending ---------------------------------------------------------------------

  private void reapSafely() {
    try {
      reap();
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again: never let it.
      LOG.error("Checking tasks failed; will check again", e);
    }
  }

  /** Reports every task that has ended since the last look. */
  private void reap() {
    for (ExecutorEntry executor : List.copyOf(executors.values())) {
      if (executor.terminated()) {
        continue;
      }
      Optional<ContainerLimitation> limitation = raised(executor);
      if (limitation.isPresent()) {
        limited(executor, limitation.get());
        continue;
      }
      for (TaskEntry task : executor.liveTasks()) {
        if (executor.terminated()) {
          break;
        }
        if (task.state() != TaskState.TASK_RUNNING) {
          continue;
        }
        Optional<Termination> ending = ending(task);
        if (ending.isEmpty()) {
          continue;
        }
        // A process that a port guard killed for listening is a limitation, not an exit: read
        // the guards before settling how the task ended.
        isolator.ifPresent(
            ports -> {
              Map<ContainerId, GuardRefusals> read = ports.checkGuards();
              metrics.guardsRead(read);
              guardsRead(read);
            });
        Optional<ContainerLimitation> stopped = raised(executor);
        if (stopped.isPresent()) {
          limited(executor, stopped.get());
          break;
        }
        taskEnded(executor, task, ending.get());
      }
    }
  }

  /** How a running task ended, if it has. */
  private Optional<Termination> ending(TaskEntry task) {
    try {
      if (task.process().isPresent()) {
        return task.process().get().exitStatus().map(Termination.Exited::new);
      }
      // A recovered task is no child of this agent: its recorded status, or its empty cgroup,
      // tells that it ended.
      Optional<Integer> recorded = TaskProcess.recordedExitStatus(task.exitStatusFile());
      if (recorded.isPresent()) {
        return Optional.of(new Termination.Exited(recorded.get()));
      }
      if (tracker.pids(task.container()).isEmpty()) {
        return Optional.of(
            TaskProcess.recordedExitStatus(task.exitStatusFile())
                .<Termination>map(Termination.Exited::new)
                .orElse(new Termination.Vanished()));
      }
    } catch (IOException e) {
      LOG.warn("Cannot tell whether task {} has ended: {}", task.taskId(), e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * One task ended. What it left behind in its container is killed; a failed task fails its whole
   * group, as in Mesos's default executor; the executor ends with its last task.
   */
  private void taskEnded(ExecutorEntry executor, TaskEntry task, Termination ending) {
    killQuietly(task.container());
    LOG.info(
        "Task {} of executor {} is {}: {}",
        task.taskId(),
        executor.executorId(),
        ending.state(),
        ending.message());
    report(executor, task, ending);
    if (ending.state() == TaskState.TASK_FAILED && !executor.liveTasks().isEmpty()) {
      killTasks(
          executor,
          new Termination.Killed(
              "Killed because task " + task.taskId() + " of its task group failed"),
          KillReason.TASK_GROUP_FAILED);
    }
    if (executor.liveTasks().isEmpty()) {
      finish(executor);
    } else {
      writeCheckpoint();
    }
  }

  /** The isolator killed the executor's tree for its ports: every live task fails with it. */
  private void limited(ExecutorEntry executor, ContainerLimitation limitation) {
    if (executor.terminated()) {
      return;
    }
    LOG.warn("Executor {} is limited: {}", executor.executorId(), limitation.message());
    killTasks(executor, new Termination.Limited(limitation), KillReason.CONTAINER_LIMITATION);
    finish(executor);
  }

  private Optional<ContainerLimitation> raised(ExecutorEntry executor) {
    CompletableFuture<ContainerLimitation> watch = executor.limitation();
    if (watch.isDone() && !watch.isCompletedExceptionally()) {
      return Optional.of(watch.join());
    }
    return Optional.empty();
  }

  /** Kills the executor's whole tree and reports each live task with {@code ending}. */
  private void killTasks(ExecutorEntry executor, Termination ending, KillReason reason) {
    killQuietly(executor.container());
    List<TaskEntry> live = executor.liveTasks();
    if (!live.isEmpty()) {
      metrics.killed(reason);
    }
    for (TaskEntry task : live) {
      report(executor, task, ending);
    }
  }

  /** The executor's tasks have all ended: its containers go, and it is kept as terminated. */
  private void finish(ExecutorEntry executor) {
    isolator.ifPresent(ports -> ports.cleanup(executor.container()));
    killAndRemove(executor.container());
    executor.terminate();
    executor.listening(Optional.empty());
    executor.tasks().forEach(task -> task.listening(Optional.empty()));
    LOG.info("Executor {} has terminated", executor.executorId());
    evictCompleted();
    writeCheckpoint();
  }

  /** Completes the teardown of an executor checkpointed as terminated, if a crash cut it short. */
  private void finishTeardown(ExecutorEntry executor) throws IOException {
    if (tracker.exists(executor.container())) {
      LOG.info("Removing what is left of terminated executor {}", executor.executorId());
      killAndRemove(executor.container());
    }
  }

  /** Forgets the oldest terminated executors beyond the number kept, and their sandboxes. */
  private void evictCompleted() {
    List<ExecutorEntry> terminated =
        executors.values().stream().filter(ExecutorEntry::terminated).toList();
    for (int i = 0; i < terminated.size() - config.maxCompletedExecutors(); i++) {
      ExecutorEntry old = terminated.get(i);
      executors.remove(old.executorId());
      old.tasks().forEach(task -> taskOwners.remove(task.taskId()));
      deleteQuietly(config.workDir().resolve(SANDBOXES).resolve(old.container().toString()));
    }
  }

  // ---- Scans ----------------------------------------------------------------------------

  private void scan() {
    if (isolator.isEmpty()) {
      return;
    }
    try {
      isolator.get().reconcileOnce();
    } catch (ScanFailedException e) {
      metrics.scanFailed();
      LOG.warn("Scan failed, will retry at the next interval: {}", e.getMessage(), e.getCause());
    } catch (RuntimeException e) {
      metrics.scanFailed();
      LOG.error("Scan failed unexpectedly, will retry at the next interval", e);
    }
  }

  /** A scan's listener, on the loop: counts it and records what each container listens on. */
  private void scanned(ScanReport report) {
    scans++;
    lastScan = Optional.of(report.startedAt());
    metrics.scanned(report);
    for (ExecutorEntry executor : executors.values()) {
      if (executor.terminated()) {
        continue;
      }
      Optional<PortRanges> all = listening(report, executor.container());
      for (TaskEntry task : executor.tasks()) {
        Optional<PortRanges> ports = listening(report, task.container());
        task.listening(ports);
        if (ports.isPresent()) {
          all = Optional.of(all.orElse(PortRanges.empty()).union(ports.get()));
        }
      }
      executor.listening(all);
    }
    guardsRead(report.guardRefusals());
  }

  /** What every guard refused so far, as a scan or a task's end read it: to views and metrics. */
  private void guardsRead(Map<ContainerId, GuardRefusals> refusals) {
    if (isolator.flatMap(PortsIsolator::guardName).isEmpty()) {
      return;
    }
    for (ExecutorEntry executor : executors.values()) {
      GuardRefusals read = refusals.get(executor.container());
      if (read != null) {
        executor.guardRefusals(Optional.of(read));
      }
    }
  }

  private static Optional<PortRanges> listening(ScanReport report, ContainerId container) {
    return report
        .observation(container)
        .filter(seen -> seen.status() == ContainerObservation.Status.JUDGED)
        .map(ContainerObservation::listening);
  }

  // ---- Helpers --------------------------------------------------------------------------

  private void register(ExecutorEntry executor) {
    executors.put(executor.executorId(), executor);
    executor.tasks().forEach(task -> taskOwners.put(task.taskId(), executor.executorId()));
  }

  /** Watches the executor's root for a limitation, handled on the loop once raised. */
  private void watch(ExecutorEntry executor) {
    if (isolator.isEmpty()) {
      return;
    }
    executor.watch(isolator.get().watch(executor.container()).toCompletableFuture());
    executor
        .limitation()
        .whenCompleteAsync(
            (limitation, failure) -> {
              if (failure == null) {
                limited(executor, limitation);
              }
            },
            loop);
  }

  private void report(ExecutorEntry executor, TaskEntry task, TaskState state) {
    publish(
        task,
        TaskStatus.of(
            Optional.of(executor.executorId()),
            task.taskId(),
            task.container(),
            state,
            clock.instant()));
  }

  private void report(ExecutorEntry executor, TaskEntry task, Termination ending) {
    publish(
        task,
        TaskStatus.of(
            Optional.of(executor.executorId()),
            task.taskId(),
            task.container(),
            ending,
            clock.instant()));
  }

  /** Records the task's new state and hands the update to every reader of the stream. */
  private void publish(TaskEntry task, TaskStatus status) {
    ObjectNode update = status.toJson();
    task.reported(status.state(), update);
    stream.publish(update.toString());
  }

  private static ContainerConfig noPorts() {
    return ContainerConfig.builder().ports(PortRanges.empty()).build();
  }

  private void killQuietly(ContainerId container) {
    try {
      tracker.kill(container);
    } catch (IOException e) {
      LOG.error("Could not kill every process of container {}: {}", container, e.getMessage());
    }
  }

  private void killAndRemove(ContainerId container) {
    killQuietly(container);
    try {
      tracker.remove(container);
    } catch (IOException e) {
      LOG.error("Could not remove the cgroup of container {}: {}", container, e.getMessage());
    }
  }

  private static void deleteQuietly(Path directory) {
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

  private JsonNode checkpointContent() {
    return CheckpointFormat.write(
        config.cgroupsRoot(), tracker.name(), List.copyOf(executors.values()));
  }

  /** Checkpoints what is held; a failure is logged, and the next change tries again. */
  private void writeCheckpoint() {
    if (!recoveryDone) {
      return;
    }
    try {
      checkpoint.write(checkpointContent());
    } catch (IOException e) {
      LOG.error("Cannot write the checkpoint {}: {}", checkpoint.file(), e.getMessage());
    }
  }

  /** Runs {@code work} on the loop and waits for it; its runtime exceptions are rethrown. */
  private <T> T call(Callable<T> work) {
    Future<T> result = loop.submit(work);
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the agent", e);
    } catch (CancellationException e) {
      throw new IllegalStateException("the agent is stopping", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  /** Stops reaping and scanning; tasks go on running, to be recovered by the next agent. */
  @Override
  public void close() {
    try {
      call(
          () -> {
            writeCheckpoint();
            return null;
          });
    } catch (RuntimeException e) {
      LOG.warn("Could not write the last checkpoint: {}", e.getMessage());
    }
    loop.shutdownNow();
    try {
      loop.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    isolator.ifPresent(PortsIsolator::close);
  }

  /** Carries a checkpoint failure out of the loop. */
  private static final class CheckpointRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient CheckpointException checked;

    CheckpointRuntimeException(CheckpointException checked) {
      super(checked.getMessage(), checked);
      this.checked = checked;
    }
  }
}
