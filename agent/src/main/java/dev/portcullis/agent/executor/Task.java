package dev.portcullis.agent.executor;

import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import dev.portcullis.spawn.WatchedProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** One task the core runs or ran, in its executor's container or one nested in it. */
final class Task {

  private final String taskId;
  private final ContainerId container;
  private final List<String> command;
  private final Optional<TaskUser> user;
  private final Optional<OciContainer> oci;
  private final Path sandbox;
  private final Optional<Path> exitStatusFile;

  private TaskState state;
  private Optional<TaskStatus> status = Optional.empty();
  private OptionalLong pid = OptionalLong.empty();
  private Optional<HeldProcess> process = Optional.empty();
  private Optional<WatchedProcess> watch = Optional.empty();
  private boolean watchTried;
  private Optional<PortRanges> listening = Optional.empty();
  private KillWatch kills = new KillWatch(Optional.empty());

  Task(
      String taskId,
      ContainerId container,
      List<String> command,
      Optional<TaskUser> user,
      Optional<OciContainer> oci,
      TaskFiles files,
      TaskState state) {
    this.taskId = taskId;
    this.container = container;
    this.command = List.copyOf(command);
    this.user = user;
    this.oci = oci;
    this.sandbox = files.sandbox();
    this.exitStatusFile = files.exitStatus();
    this.state = state;
  }

  /** A task as a checkpoint recorded it. */
  static Task restore(TaskRecord record) {
    Task task =
        new Task(
            record.taskId(),
            record.container(),
            record.command(),
            record.user(),
            record.oci(),
            new TaskFiles(record.sandbox(), record.exitStatusFile()),
            record.state());
    task.status = record.status();
    task.pid = record.pid();
    task.kills = new KillWatch(record.decision());
    return task;
  }

  String taskId() {
    return taskId;
  }

  ContainerId container() {
    return container;
  }

  List<String> command() {
    return command;
  }

  /** The user the command runs as; empty for the agent's user. */
  Optional<TaskUser> user() {
    return user;
  }

  /** The OCI container the command runs in; empty when it runs on the host. */
  Optional<OciContainer> oci() {
    return oci;
  }

  TaskFiles files() {
    return new TaskFiles(sandbox, exitStatusFile);
  }

  TaskState state() {
    return state;
  }

  /**
   * Takes the update a journal of status updates holds for this task when it is later than the
   * state recorded here: it was reported, but the agent stopped before recording the change.
   */
  void caughtUp(TaskStatus update) {
    if (update.state().follows(state)) {
      reported(update);
    }
  }

  void reported(TaskStatus update) {
    this.state = update.state();
    this.status = Optional.of(update);
    if (state.isTerminal()) {
      watch.ifPresent(WatchedProcess::close);
      watch = Optional.empty();
    }
  }

  /**
   * The watch on the process of a recovered task, once {@link #watched} was told whether there is
   * one.
   */
  Optional<WatchedProcess> watch() {
    return watch;
  }

  /** Whether a watch was looked for; only once. */
  boolean watchTried() {
    return watchTried;
  }

  /** The watch found for the task's process, if one was; closed when the task ends. */
  void watched(Optional<WatchedProcess> found) {
    watchTried = true;
    if (state.isTerminal()) {
      found.ifPresent(WatchedProcess::close);
    } else {
      watch = found;
    }
  }

  /** The process, if this core started it; a recovered task has none. */
  Optional<HeldProcess> process() {
    return process;
  }

  void process(HeldProcess started) {
    this.process = Optional.of(started);
    this.pid = OptionalLong.of(started.pid());
  }

  /** The process can no longer tell how it ended: the task is followed as a recovered one. */
  void processLost() {
    this.process = Optional.empty();
  }

  OptionalLong pid() {
    return pid;
  }

  void listening(Optional<PortRanges> ports) {
    this.listening = ports;
  }

  /**
   * The kill of this task's container alone, once decided on: the isolator limited it, and not its
   * executor. The first decision stands.
   */
  Optional<Decision> decision() {
    return kills.decision();
  }

  /**
   * Decides to kill this task's container alone, unless a kill of it is decided already.
   *
   * @return whether this decision is the one that stands
   */
  boolean decide(Decision kill) {
    return kills.decide(kill);
  }

  /** The limitation the isolator raised on this task's own container, once it has. */
  Optional<ContainerLimitation> limitation() {
    return kills.limitation();
  }

  /** The isolator's watch on this task's container; it completes only if it is limited alone. */
  void watch(CompletableFuture<ContainerLimitation> watch) {
    kills.watch(watch);
  }

  /**
   * Whether this task ended for a limitation of its own container alone, which does not fail its
   * group: by a decision recorded here, or as the last update reported says.
   */
  boolean limitedAlone() {
    return kills.decision().isPresent()
        || (state == TaskState.TASK_FAILED
            && status.flatMap(TaskStatus::reason).equals(Optional.of(ContainerLimitation.REASON)));
  }

  TaskRecord record() {
    return new TaskRecord(
        taskId,
        container,
        command,
        user,
        oci,
        sandbox,
        exitStatusFile,
        state,
        status,
        pid,
        kills.decision(),
        listening);
  }
}
