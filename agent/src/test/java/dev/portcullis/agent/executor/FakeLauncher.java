package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.testkit.HostModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A {@link TaskLauncher} whose processes are pids of a {@link HostModel}: each starts held in the
 * agent's own cgroup, outside every container, is moved into its task's container by the core's
 * tracker, and exits when the test says so, recording its exit status where the task's files say,
 * as the task's shell would. A task that is no child of the agent (one that ran before a restart)
 * can end the same way through the {@link Disk}, with a status recorded or none, for the launcher
 * of a later agent to read.
 */
final class FakeLauncher implements TaskLauncher {

  /** The cgroup the agent, and so every held process, starts in. */
  static final String AGENT_CGROUP = "/agent";

  /** Where the sandboxes are said to be; nothing is ever written there. */
  static final Path SANDBOXES = Path.of("/work/sandboxes");

  /**
   * The exit status files of a host, which outlive any one agent: share one between the launchers
   * of an agent and of the agent that recovers after it.
   */
  static final class Disk {
    private final HostModel host;
    private final Map<Path, Integer> statuses = new HashMap<>();

    Disk(HostModel host) {
      this.host = host;
    }

    /**
     * The task's process exits with {@code status} and records it, as the task's shell does: while
     * no agent runs, or under an agent that is not its parent.
     */
    void end(TaskRecord task, int status) {
      statuses.put(task.exitStatusFile().orElseThrow(), status);
      host.exit(task.pid().orElseThrow());
    }

    /** The task's process dies recording nothing, as when its shell was killed. */
    void vanish(TaskRecord task) {
      host.exit(task.pid().orElseThrow());
    }

    Optional<Integer> recorded(Path file) {
      return Optional.ofNullable(statuses.get(file));
    }

    void record(Path file, int status) {
      statuses.put(file, status);
    }
  }

  /** What {@link #start} was asked to start. */
  record Start(String executor, String ports, TaskRecord task) {}

  /** One task's process: a pid of the host. */
  final class FakeProcess implements HeldProcess {
    private final long pid;
    private final Optional<Path> exitStatusFile;
    private final boolean exitsBeforeRelease;
    private boolean released;
    private boolean destroyed;
    private Optional<Integer> exited = Optional.empty();
    private int asks;

    FakeProcess(long pid, Optional<Path> exitStatusFile, boolean exitsBeforeRelease) {
      this.pid = pid;
      this.exitStatusFile = exitStatusFile;
      this.exitsBeforeRelease = exitsBeforeRelease;
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public void release() throws IOException {
      if (destroyed) {
        throw new IllegalStateException("released after destroyForcibly");
      }
      if (exitsBeforeRelease) {
        host.exit(pid);
      }
      if (!host.isAlive(pid)) {
        throw new IOException("process " + pid + " has already exited");
      }
      released = true;
    }

    /** The exit status once the pid is gone: its own, or 137 for a process killed by SIGKILL. */
    @Override
    public Optional<Integer> exitStatus() {
      asks++;
      if (host.isAlive(pid)) {
        return Optional.empty();
      }
      return Optional.of(exited.orElse(137));
    }

    @Override
    public void destroyForcibly() {
      destroyed = true;
      host.exit(pid);
    }

    @Override
    public Optional<EndCount> endCount() {
      return ends;
    }

    /** The command exits by itself with {@code status}; its shell records it, then exits too. */
    void exit(int status) {
      if (!released) {
        throw new IllegalStateException("process " + pid + " was never released");
      }
      exited = Optional.of(status);
      exitStatusFile.ifPresent(file -> disk.record(file, status));
      host.exit(pid);
    }

    boolean released() {
      return released;
    }

    /** How many times it was asked for its exit status. */
    int asks() {
      return asks;
    }

    boolean destroyed() {
      return destroyed;
    }

    boolean alive() {
      return host.isAlive(pid);
    }
  }

  private final HostModel host;
  private final Disk disk;
  private final Map<String, FakeProcess> processes = new LinkedHashMap<>();
  private final Map<String, IOException> startFailures = new HashMap<>();
  private final Set<String> exitBeforeRelease = new HashSet<>();
  private final List<Start> starts = new ArrayList<>();
  private final List<TaskFiles> prepared = new ArrayList<>();
  private final List<ExecutorRecord> discarded = new ArrayList<>();
  private final List<ContainerId> released = new ArrayList<>();
  private Consumer<ContainerId> onRelease = container -> {};
  private final Optional<EndCount> ends;

  FakeLauncher(HostModel host, Disk disk, boolean countsEnds) {
    this.host = host;
    this.disk = disk;
    this.ends = countsEnds ? Optional.of(new HostEnds(host)) : Optional.empty();
    host.createCgroup(AGENT_CGROUP);
  }

  /**
   * Every process of the host that has exited, as a spawner counts the children it reaps: the count
   * each process's end is told by, when the launcher counts ends.
   */
  private record HostEnds(HostModel host) implements EndCount {
    @Override
    public long ended() {
      return host.exited();
    }
  }

  /** Makes the start of the task with this id fail with {@code failure}. */
  void failStart(String taskId, IOException failure) {
    startFailures.put(taskId, failure);
  }

  /** Makes the process of the task with this id exit by itself before it is released. */
  void exitBeforeRelease(String taskId) {
    exitBeforeRelease.add(taskId);
  }

  @Override
  public TaskFiles place(String executor, String root, TaskSpec task) {
    Path sandbox = SANDBOXES.resolve(root).resolve(task.taskId());
    return new TaskFiles(sandbox, Optional.of(sandbox.resolve("exit_status")));
  }

  @Override
  public void prepare(TaskFiles files) {
    prepared.add(files);
  }

  @Override
  public HeldProcess start(String executor, String ports, TaskRecord task, Optional<String> cgroup)
      throws IOException {
    starts.add(new Start(executor, ports, task));
    IOException failure = startFailures.remove(task.taskId());
    if (failure != null) {
      throw failure;
    }
    FakeProcess process =
        new FakeProcess(
            host.spawn(AGENT_CGROUP),
            task.exitStatusFile(),
            exitBeforeRelease.contains(task.taskId()));
    processes.put(task.taskId(), process);
    return process;
  }

  @Override
  public Optional<Integer> recordedExitStatus(TaskRecord task) {
    return task.exitStatusFile().flatMap(disk::recorded);
  }

  @Override
  public void discard(ExecutorRecord executor) {
    discarded.add(executor);
  }

  /** The process this launcher started for a task. */
  FakeProcess process(String taskId) {
    FakeProcess process = processes.get(taskId);
    if (process == null) {
      throw new NoSuchElementException("no process was started for task " + taskId);
    }
    return process;
  }

  /** Every process started, by task id, in start order. */
  Map<String, FakeProcess> processes() {
    return Map.copyOf(processes);
  }

  List<Start> starts() {
    return List.copyOf(starts);
  }

  List<TaskFiles> prepared() {
    return List.copyOf(prepared);
  }

  /** Runs {@code hook} on each container as it is released, to see what holds at that moment. */
  void onRelease(Consumer<ContainerId> hook) {
    this.onRelease = hook;
  }

  /** The containers released to the launcher, in order. */
  List<ContainerId> released() {
    return List.copyOf(released);
  }

  List<ExecutorRecord> discarded() {
    return List.copyOf(discarded);
  }

  @Override
  public void released(ContainerId container) {
    released.add(container);
    onRelease.accept(container);
  }
}
