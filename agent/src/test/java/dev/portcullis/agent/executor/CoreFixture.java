package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.KillScope;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.PortsIsolatorBuilder;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.policy.KillScopeSetting;
import dev.portcullis.core.policy.MesosPolicy;
import dev.portcullis.testkit.FakePortGuard;
import dev.portcullis.testkit.FakeProcessTracker;
import dev.portcullis.testkit.FakeSocketSource;
import dev.portcullis.testkit.HostModel;
import dev.portcullis.testkit.ManualScanScheduler;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An {@link ExecutorCore} on an in-memory host: the testkit's tracker (through a {@link
 * FaultyTracker}), socket source and, if asked, port guard, a {@link FakeLauncher}, recording
 * outputs, and a fixed clock. Nothing runs unless the test calls the core.
 *
 * <p>{@link #restarted()} models an agent restart: a new core, tracker, launcher and outputs on the
 * same host, exit status files and guards.
 */
final class CoreFixture implements AutoCloseable {

  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** The ports every executor is allocated unless a test says otherwise. */
  static final PortRanges ALLOCATED = PortRanges.range(31000, 31001);

  /** The tracker's cgroups root on the host. */
  static final String ROOT_CGROUP = "/" + FakeProcessTracker.DEFAULT_ROOT;

  static final String LIMITATION = "REASON_CONTAINER_LIMITATION";
  static final String LAUNCH_FAILED = "REASON_CONTAINER_LAUNCH_FAILED";
  static final String EXECUTOR_TERMINATED = "REASON_EXECUTOR_TERMINATED";

  /** How the core is set up. */
  static final class Options {
    private TaskLayout layout = TaskLayout.NESTED;
    private int maxCompleted = 100;
    private boolean isolate = true;
    private boolean enforce = true;
    private boolean guarded;
    private boolean countingEnds = true;
    private KillScope killScope = KillScope.ROOT;
    private EnforcementPolicy policy;

    Options inExecutor() {
      this.layout = TaskLayout.IN_EXECUTOR;
      return this;
    }

    Options maxCompleted(int count) {
      this.maxCompleted = count;
      return this;
    }

    /** No isolator at all: {@link ExecutorCore#scan()} does nothing. */
    Options withoutIsolation() {
      this.isolate = false;
      return this;
    }

    Options enforcing(boolean on) {
      this.enforce = on;
      return this;
    }

    /** What the policy's kills kill: the executor's root (the default), or the offender alone. */
    Options killing(KillScope scope) {
      this.killScope = scope;
      return this;
    }

    /** With this policy instead of {@code mesos}; it is shared by every restarted core. */
    Options policy(EnforcementPolicy given) {
      this.policy = given;
      return this;
    }

    /** With a {@link FakePortGuard}. */
    Options guarded() {
      this.guarded = true;
      return this;
    }

    /**
     * Whether the launcher's processes tell their ends by a count, as spawned shells do (the
     * default), or must be asked at every look, as shells the JDK started must.
     */
    Options countingEnds(boolean counting) {
      this.countingEnds = counting;
      return this;
    }

    /** A core that has neither started fresh nor recovered: call one of them. */
    CoreFixture build() {
      HostModel host = new HostModel();
      return new CoreFixture(this, host, new FakeLauncher.Disk(host), new FakePortGuard.State());
    }

    /** A core started fresh. */
    CoreFixture start() {
      CoreFixture fixture = build();
      fixture.core.startFresh();
      return fixture;
    }
  }

  final Options options;
  final HostModel host;
  final FakeProcessTracker tracker;
  final FaultyTracker faults;
  final FakeSocketSource sockets;
  final Optional<FakePortGuard> guard;
  final FakeLauncher.Disk disk;
  final FakeLauncher launcher;
  final Crashes crashes = new Crashes();
  final RecordingSink sink = new RecordingSink(crashes);
  final RecordingObserver observer = new RecordingObserver();
  final RecordingJournal journal;
  final ExecutorCore core;

  private final FakePortGuard.State guardState;

  static Options options() {
    return new Options();
  }

  /** A core on a fresh host, with the default options, started fresh. */
  static CoreFixture started() {
    return options().start();
  }

  private CoreFixture(
      Options options, HostModel host, FakeLauncher.Disk disk, FakePortGuard.State guardState) {
    this.options = options;
    this.host = host;
    this.disk = disk;
    this.guardState = guardState;
    this.tracker = new FakeProcessTracker(host);
    this.faults = new FaultyTracker(tracker, crashes);
    this.sockets = new FakeSocketSource(host, true);
    this.guard =
        options.guarded
            ? Optional.of(new FakePortGuard(host, tracker, guardState))
            : Optional.empty();
    this.launcher = new FakeLauncher(host, disk, options.countingEnds);
    this.journal = new RecordingJournal(tracker::containers, sink, observer, crashes);
    Optional<PortsIsolatorBuilder> ports =
        options.isolate
            ? Optional.of(
                PortsIsolator.builder()
                    .config(
                        IsolatorConfig.fromFlags(
                            Map.of(
                                IsolatorConfig.ENFORCE_CONTAINER_PORTS,
                                String.valueOf(options.enforce))))
                    .socketSource(sockets)
                    .policy(options.policy != null ? options.policy : policy(options.killScope))
                    .portGuard(guard.orElse(null))
                    .scheduler(new ManualScanScheduler()))
            : Optional.empty();
    this.core =
        new ExecutorCore(
            faults,
            ports,
            launcher,
            sink,
            journal,
            observer,
            new CoreSettings(options.layout, options.maxCompleted),
            CLOCK);
  }

  private static MesosPolicy policy(KillScope scope) {
    MesosPolicy policy = new MesosPolicy();
    policy.initialize(
        ProviderSettings.of(Map.of(KillScopeSetting.NAME, scope.name().toLowerCase(Locale.ROOT))));
    return policy;
  }

  /**
   * The agent stops (its tasks go on) and a new one starts on the same host, neither started fresh
   * nor recovered yet.
   */
  CoreFixture restarted() {
    core.close();
    return new CoreFixture(options, host, disk, guardState);
  }

  @Override
  public void close() {
    core.close();
  }

  // ---- requests ----

  static TaskSpec taskSpec(String taskId) {
    return new TaskSpec(taskId, List.of("sleep", "infinity"), Optional.empty());
  }

  static ExecutorSpec spec(String executorId, PortRanges ports, String... taskIds) {
    return new ExecutorSpec(
        executorId,
        "cpus:0.1;ports:" + ports,
        ports,
        List.of(),
        Arrays.stream(taskIds).map(CoreFixture::taskSpec).toList());
  }

  static ExecutorSpec spec(String executorId, String... taskIds) {
    return spec(executorId, ALLOCATED, taskIds);
  }

  ExecutorRecord launch(String executorId, String... taskIds) {
    return core.launch(spec(executorId, taskIds));
  }

  // ---- what is held ----

  static TaskRecord task(ExecutorRecord executor, String taskId) {
    return executor.tasks().stream()
        .filter(task -> task.taskId().equals(taskId))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no task " + taskId));
  }

  static ContainerId container(ExecutorRecord executor, String taskId) {
    return task(executor, taskId).container();
  }

  /** The pid of the process this fixture's launcher started for a task. */
  long pid(String taskId) {
    return launcher.process(taskId).pid();
  }

  /** The containers under the tracker's root on the host. */
  Set<ContainerId> containers() {
    return tracker.containers();
  }

  /** Every process in a container, whoever started it. */
  Set<Long> pidsUnderRoot() {
    return host.subtreePids(ROOT_CGROUP);
  }

  /** Starts a process in a container, as a task's command forking would. */
  long spawnIn(ContainerId container) {
    return host.spawn(tracker.cgroupOf(container));
  }

  // ---- expected values ----

  /** A non-terminal update. */
  static TaskStatus update(ExecutorRecord executor, String taskId, TaskState state) {
    return new TaskStatus(
        Optional.of(executor.executorId()),
        taskId,
        container(executor, taskId),
        state,
        NOW,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** A terminal update without a reason. */
  static TaskStatus update(
      ExecutorRecord executor, String taskId, TaskState state, String message) {
    return update(executor, taskId, state, Optional.empty(), message, Optional.empty());
  }

  /** A terminal update with a reason. */
  static TaskStatus update(
      ExecutorRecord executor, String taskId, TaskState state, String reason, String message) {
    return update(executor, taskId, state, Optional.of(reason), message, Optional.empty());
  }

  /** A {@code TASK_FAILED} for a limitation. */
  static TaskStatus limited(
      ExecutorRecord executor, String taskId, String message, PortRanges ports) {
    return update(
        executor,
        taskId,
        TaskState.TASK_FAILED,
        Optional.of(LIMITATION),
        message,
        Optional.of(ports));
  }

  static TaskStatus update(
      ExecutorRecord executor,
      String taskId,
      TaskState state,
      Optional<String> reason,
      String message,
      Optional<PortRanges> ports) {
    return new TaskStatus(
        Optional.of(executor.executorId()),
        taskId,
        container(executor, taskId),
        state,
        NOW,
        reason,
        Optional.of(message),
        ports);
  }

  /** {@code TASK_STARTING} then {@code TASK_RUNNING} for each task, as a launch reports them. */
  static List<TaskStatus> launched(ExecutorRecord executor) {
    List<TaskStatus> starting =
        executor.tasks().stream()
            .map(task -> update(executor, task.taskId(), TaskState.TASK_STARTING))
            .toList();
    List<TaskStatus> running =
        executor.tasks().stream()
            .map(task -> update(executor, task.taskId(), TaskState.TASK_RUNNING))
            .toList();
    return Stream.concat(starting.stream(), running.stream()).toList();
  }

  static FakeProcessTracker.Kill kill(ContainerId container, Long... pids) {
    return new FakeProcessTracker.Kill(container, Set.of(pids));
  }

  static String violation(ContainerId container, PortRanges ports) {
    return "Container " + container + " is listening on unallocated port(s): " + ports;
  }
}
