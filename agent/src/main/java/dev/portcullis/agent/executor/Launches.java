package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.core.PortsIsolator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launching an executor: its record first, then its containers, then its tasks, each started held,
 * placed in its container, and only then released; a launch that fails part-way leaves nothing.
 */
final class Launches {

  private static final Logger LOG = LoggerFactory.getLogger(Launches.class);

  private final Holdings holdings;
  private final Endings endings;

  Launches(Holdings holdings, Endings endings) {
    this.holdings = holdings;
    this.endings = endings;
  }

  /**
   * Launches an executor and its tasks.
   *
   * @throws ConflictException if an id is taken; nothing was changed
   * @throws LaunchFailedException if the launch was accepted but could not be carried out
   */
  ExecutorRecord launch(ExecutorSpec spec) {
    if (spec.adoption().isPresent()) {
      return adopt(spec, spec.adoption().get());
    }
    checkIds(spec);
    Executor executor = accept(spec);
    holdings.register(executor);
    LOG.info(
        "Launching executor {} in container {} with {} task(s); allocated ports {}{}",
        executor.executorId(),
        executor.container(),
        executor.tasks().size(),
        executor.ports(),
        executor.networks().isEmpty() ? "" : ", networks " + executor.networks());
    boolean started = false;
    try {
      // Recorded before any container exists: a crash from here on leaves a record that recovery
      // can finish, never an unknown cgroup.
      holdings.saveOrFail();
      createContainers(executor);
      started = true;
      startTasks(executor);
    } catch (IOException | RuntimeException e) {
      failed(executor, e);
      throw new LaunchFailedException(
          "cannot launch executor '" + executor.executorId() + "': " + e.getMessage(),
          e,
          executor.record(),
          started);
    }
    holdings.save();
    return executor.record();
  }

  /**
   * Follows an existing cgroup as an executor of one task: nothing is launched, and the task runs
   * from the start. The cgroup is adopted before anything is recorded, so that one that cannot be
   * followed changes nothing; an adoption that fails after it is forgotten before the executor is
   * torn down, so that the teardown never kills what it only watched.
   *
   * @throws RefusedException if the cgroup cannot be adopted; nothing was changed
   */
  private ExecutorRecord adopt(ExecutorSpec spec, Adoption adoption) {
    checkIds(spec);
    checkAdoptable(adoption);
    ContainerId root = freshRoot();
    TaskSpec task = spec.tasks().get(0);
    Executor executor =
        new Executor(
            spec.executorId(),
            root,
            spec.resources(),
            spec.ports(),
            spec.networks(),
            false,
            Optional.of(adoption));
    executor.add(
        new Task(
            task.taskId(),
            root,
            task.command(),
            Optional.empty(),
            Optional.empty(),
            holdings.launcher.place(spec.executorId(), root.toString(), task),
            TaskState.TASK_STARTING));
    try {
      holdings.tracker.adopt(root, adoption.cgroup());
    } catch (IOException | RuntimeException e) {
      throw new RefusedException(
          Optional.of("adoption"),
          "cannot adopt " + adoption.describe() + ": " + e.getMessage(),
          e);
    }
    try {
      holdings.isolator.ifPresent(ports -> ports.adopt(root, adoption.cgroup()));
    } catch (RuntimeException e) {
      // The tracker made nothing of it: forgetting it there leaves the engine's cgroup as found.
      holdings.removeQuietly(root);
      throw new RefusedException(
          Optional.of("adoption"),
          "cannot guard " + adoption.describe() + ": " + e.getMessage(),
          e);
    }
    holdings.register(executor);
    LOG.info(
        "Adopting {} as executor {} (container {}); allocated ports {}",
        adoption.describe(),
        executor.executorId(),
        root,
        executor.ports());
    try {
      holdings.saveOrFail();
      holdings.isolator.ifPresent(ports -> ports.prepare(root, executor.config()));
      holdings.watch(executor);
      Task adopted = executor.tasks().iterator().next();
      holdings.report(executor, adopted, TaskState.TASK_STARTING);
      holdings.report(executor, adopted, TaskState.TASK_RUNNING);
    } catch (IOException | RuntimeException e) {
      // Forgotten first: the teardown that follows must find nothing of the engine's to kill.
      holdings.removeQuietly(root);
      failed(executor, e);
      throw new LaunchFailedException(
          "cannot adopt " + adoption.describe() + ": " + e.getMessage(),
          e,
          executor.record(),
          false);
    }
    holdings.save();
    return executor.record();
  }

  /**
   * Refuses an adoption this agent cannot follow, or one of a cgroup that a running executor
   * follows already.
   */
  private void checkAdoptable(Adoption adoption) {
    if (!holdings.tracker.adoptsCgroups()) {
      throw new RefusedException(
          Optional.of("adoption"),
          "the process tracker '"
              + holdings.tracker.name()
              + "' cannot follow a cgroup outside its root",
          null);
    }
    if (!holdings.isolator.map(PortsIsolator::guardsAdoptedCgroups).orElse(true)) {
      throw new RefusedException(
          Optional.of("adoption"),
          "this agent's port guard '"
              + holdings.isolator.flatMap(PortsIsolator::guardName).orElseThrow()
              + "' cannot guard a cgroup outside its cgroups root; an adopted cgroup would go"
              + " unguarded",
          null);
    }
    for (Executor running : holdings.running()) {
      if (running.adoption().map(Adoption::cgroup).equals(Optional.of(adoption.cgroup()))) {
        throw new ConflictException(
            Optional.of("adoption"),
            "cgroup "
                + adoption.cgroup()
                + " is adopted already, by executor '"
                + running.executorId()
                + "'");
      }
    }
  }

  private void checkIds(ExecutorSpec spec) {
    Optional<Executor> existing = holdings.executor(spec.executorId());
    if (existing.isPresent()) {
      throw new ConflictException(
          Optional.of("executor_id"),
          "executor '"
              + spec.executorId()
              + "' exists already"
              + (existing.get().terminated() ? " (terminated; ids are not reused)" : ""));
    }
    if (holdings.settings.layout() == TaskLayout.IN_EXECUTOR && spec.tasks().size() != 1) {
      throw new IllegalArgumentException("an executor whose task is its container has one task");
    }
    for (int i = 0; i < spec.tasks().size(); i++) {
      String taskId = spec.tasks().get(i).taskId();
      Optional<String> owner = holdings.ownerOf(taskId);
      if (owner.isPresent()) {
        throw new ConflictException(
            Optional.of("tasks[" + i + "].task_id"),
            "task '" + taskId + "' exists already, in executor '" + owner.get() + "'");
      }
    }
  }

  /** The executor as accepted: fresh container names, as Mesos gives, never an existing cgroup. */
  private Executor accept(ExecutorSpec spec) {
    ContainerId root = freshRoot();
    Executor executor =
        new Executor(
            spec.executorId(),
            root,
            spec.resources(),
            spec.ports(),
            spec.networks(),
            false,
            Optional.empty());
    for (TaskSpec task : spec.tasks()) {
      ContainerId container =
          holdings.settings.layout() == TaskLayout.NESTED
              ? root.child(UUID.randomUUID().toString())
              : root;
      executor.add(
          new Task(
              task.taskId(),
              container,
              task.command(),
              task.user(),
              task.oci(),
              // Chosen now, made once the record is kept.
              holdings.launcher.place(spec.executorId(), root.toString(), task),
              TaskState.TASK_STARTING));
    }
    return executor;
  }

  /**
   * A new UUID, as Mesos gives every container, that no cgroup has: a launch that fails tears its
   * root down, which must never be someone else's.
   *
   * @throws UncheckedIOException if the tracker cannot tell; nothing was changed
   */
  private ContainerId freshRoot() {
    try {
      ContainerId root;
      do {
        root = ContainerId.of(UUID.randomUUID().toString());
      } while (holdings.tracker.exists(root));
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot tell whether a container exists: " + e.getMessage(), e);
    }
  }

  private void createContainers(Executor executor) throws IOException {
    holdings.tracker.create(executor.container());
    holdings.isolator.ifPresent(ports -> ports.prepare(executor.container(), executor.config()));
    for (Task task : executor.tasks()) {
      holdings.launcher.prepare(task.files());
      if (!task.container().equals(executor.container())) {
        holdings.tracker.create(task.container());
        holdings.isolator.ifPresent(
            ports -> ports.prepare(task.container(), Holdings.taskContainer(task)));
      }
    }
    holdings.watch(executor);
  }

  /** Starts every task held, places each, then lets them all run. */
  private void startTasks(Executor executor) throws IOException {
    for (Task task : executor.tasks()) {
      holdings.report(executor, task, TaskState.TASK_STARTING);
      HeldProcess process =
          holdings.launcher.start(
              executor.executorId(),
              executor.ports().toString(),
              task.record(),
              holdings.tracker.cgroupPath(task.container()));
      task.process(process);
      try {
        holdings.tracker.place(task.container(), process.pid());
      } catch (IOException e) {
        throw new IOException(
            "cannot move its process "
                + process.pid()
                + " into container "
                + task.container()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    for (Task task : executor.tasks()) {
      task.process().orElseThrow().release();
      LOG.info(
          "Task {} of executor {} is running as pid {}{}: {}",
          task.taskId(),
          executor.executorId(),
          task.pid().getAsLong(),
          task.user().map(user -> ", its command as user " + user.describe()).orElse(""),
          task.command());
      holdings.report(executor, task, TaskState.TASK_RUNNING);
    }
  }

  private void failed(Executor executor, Exception cause) {
    LOG.error("Cannot launch executor {}", executor.executorId(), cause);
    for (Task task : executor.tasks()) {
      // A process that was never placed is not in the container, so the tracker cannot kill it.
      task.process().ifPresent(HeldProcess::destroyForcibly);
    }
    endings.kill(
        executor,
        new Termination.LaunchFailed(String.valueOf(cause.getMessage())),
        KillReason.LAUNCH_FAILED);
  }
}
