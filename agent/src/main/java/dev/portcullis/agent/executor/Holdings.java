package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.core.PortsIsolator;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the executor core holds, and the few things every part of it does with that: report a task's
 * state, kill or remove a container, and record the whole. Confined to the core's thread.
 */
final class Holdings {

  private static final Logger LOG = LoggerFactory.getLogger(Holdings.class);

  final ProcessTracker tracker;
  final Optional<PortsIsolator> isolator;
  final TaskLauncher launcher;
  final CoreObserver observer;
  final CoreSettings settings;

  private final StatusSink sink;
  private final Journal journal;
  private final AtomicBoolean limitationsRaised = new AtomicBoolean();
  private final Clock clock;

  /** Every executor held, running or terminated, in launch order. */
  private final Map<String, Executor> executors = new LinkedHashMap<>();

  /**
   * The terminated executors held, the earliest to have ended first: the ones to forget first.
   * Those a journal recorded as terminated come first, in its order.
   */
  private final Deque<Executor> completed = new ArrayDeque<>();

  /** How many times executors were added, ended or forgotten, or a task's state was reported. */
  private long changes;

  /** The executor of every task held: task ids are unique on the agent. */
  private final Map<String, String> taskOwners = new HashMap<>();

  /**
   * Whether changes are recorded: not before recovery holds every executor the journal recorded
   * again, since until then the journal holds what the previous run left, and must never be
   * overwritten with less.
   */
  private boolean recorded;

  Holdings(
      ProcessTracker tracker,
      Optional<PortsIsolator> isolator,
      TaskLauncher launcher,
      StatusSink sink,
      Journal journal,
      CoreObserver observer,
      CoreSettings settings,
      Clock clock) {
    this.tracker = tracker;
    this.isolator = isolator;
    this.launcher = launcher;
    this.sink = sink;
    this.journal = journal;
    this.observer = observer;
    this.settings = settings;
    this.clock = clock;
  }

  Collection<Executor> executors() {
    return executors.values();
  }

  /** The running executors, copied: ending one while iterating is allowed. */
  List<Executor> running() {
    List<Executor> running = new ArrayList<>();
    for (Executor executor : executors.values()) {
      if (!executor.terminated()) {
        running.add(executor);
      }
    }
    return running;
  }

  Optional<Executor> executor(String executorId) {
    return Optional.ofNullable(executors.get(executorId));
  }

  /** The running executor whose top-level container this is, if any. */
  Optional<Executor> runningWithRoot(ContainerId root) {
    for (Executor executor : executors.values()) {
      if (!executor.terminated() && executor.container().equals(root)) {
        return Optional.of(executor);
      }
    }
    return Optional.empty();
  }

  /** The executor that holds a task id, if any does. */
  Optional<String> ownerOf(String taskId) {
    return Optional.ofNullable(taskOwners.get(taskId));
  }

  void register(Executor executor) {
    changes++;
    executors.put(executor.executorId(), executor);
    if (executor.terminated()) {
      completed.add(executor);
    }
    executor.tasks().forEach(task -> taskOwners.put(task.taskId(), executor.executorId()));
  }

  /** An executor has just terminated. */
  void terminated(Executor executor) {
    changes++;
    completed.add(executor);
  }

  /**
   * {@return a count that grows whenever an executor is registered, ends or is forgotten, and
   * whenever a task's state is reported} The same count twice means the same executors and tasks,
   * in the same states.
   */
  long changes() {
    return changes;
  }

  /**
   * Forgets the terminated executors that ended earliest, beyond the number kept.
   *
   * @return those forgotten
   */
  List<Executor> forgetOldest(int kept) {
    List<Executor> forgotten = new ArrayList<>();
    while (completed.size() > kept) {
      Executor old = completed.remove();
      changes++;
      executors.remove(old.executorId());
      old.tasks().forEach(task -> taskOwners.remove(task.taskId()));
      forgotten.add(old);
    }
    return forgotten;
  }

  /**
   * Has the isolator watch the executor's root, and each task's own container, which it limits when
   * a policy kills the offending container alone; the core looks at the watches after each scan.
   */
  void watch(Executor executor) {
    isolator.ifPresent(
        ports -> {
          executor.watch(noticed(ports.watch(executor.container()).toCompletableFuture()));
          for (Task task : executor.tasks()) {
            if (!task.container().equals(executor.container()) && !task.state().isTerminal()) {
              task.watch(noticed(ports.watch(task.container()).toCompletableFuture()));
            }
          }
        });
  }

  /** The watch, which sets {@link #limitationsRaised} once it completes with a limitation. */
  private CompletableFuture<ContainerLimitation> noticed(
      CompletableFuture<ContainerLimitation> watch) {
    // The future thenRun returns says nothing: the flag is what the core reads.
    var unused = watch.thenRun(() -> limitationsRaised.set(true));
    return watch;
  }

  /**
   * Whether a watch has raised a limitation since the last call, which clears it: the core looks
   * for limited executors and tasks after every scan and every reaping, and at a thousand executors
   * that look cost more than the reaping itself.
   */
  boolean takeLimitationsRaised() {
    return limitationsRaised.getAndSet(false);
  }

  /** Sets the flag again, for a look that failed before it saw every limitation. */
  void limitationsStillRaised() {
    limitationsRaised.set(true);
  }

  /** Reports a task's new non-terminal state. */
  void report(Executor executor, Task task, TaskState state) {
    publish(task, update(executor, task, state));
  }

  /** Reports how a task ended. */
  void report(Executor executor, Task task, Termination ending) {
    publish(task, update(executor, task, ending.state()).endedBy(ending));
  }

  private TaskStatus update(Executor executor, Task task, TaskState state) {
    return TaskStatus.of(
        Optional.of(executor.executorId()),
        task.taskId(),
        task.container(),
        state,
        clock.instant());
  }

  private void publish(Task task, TaskStatus update) {
    changes++;
    task.reported(update);
    sink.publish(update);
  }

  /** Kills every process of a container; a failure is logged, since the caller goes on. */
  void killQuietly(ContainerId container) {
    try {
      tracker.kill(container);
    } catch (IOException e) {
      LOG.error("Could not kill every process of container {}: {}", container, e.getMessage());
    }
  }

  /** Whether a container holds no process; one that cannot be read is taken to hold some. */
  boolean isEmpty(ContainerId container) {
    try {
      return tracker.pids(container).isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** Removes a container whose processes are gone; a failure is logged. */
  void removeQuietly(ContainerId container) {
    try {
      launcher.released(container);
    } catch (IOException e) {
      LOG.error(
          "Could not remove what the launcher made for container {}: {}",
          container,
          e.getMessage());
    }
    try {
      tracker.remove(container);
    } catch (IOException e) {
      LOG.error("Could not remove the cgroup of container {}: {}", container, e.getMessage());
    }
  }

  /** The records of every executor held, in launch order. */
  List<ExecutorRecord> records() {
    List<ExecutorRecord> records = new ArrayList<>();
    executors.values().forEach(executor -> records.add(executor.record()));
    return records;
  }

  /**
   * Records what is held, now that recovery is done or a launch is about to make containers.
   *
   * @throws IOException if the journal cannot record it
   */
  void saveOrFail() throws IOException {
    journal.save(records());
  }

  /**
   * Records what is held, once changes are recorded; a failure is logged, and the next change
   * retries.
   */
  void save() {
    trySave().ifPresent(e -> LOG.error("Cannot record what the agent holds: {}", e.getMessage()));
  }

  /**
   * Records a kill just decided on, before it is carried out; a failure is logged, since the kill
   * goes ahead.
   */
  void saveDecision(Executor executor) {
    trySave()
        .ifPresent(
            e ->
                LOG.error(
                    "Cannot record the decision to kill executor {} before carrying it out: {};"
                        + " were the agent to stop before reporting it, the next start would not"
                        + " know why its tasks ended",
                    executor.executorId(),
                    e.getMessage()));
  }

  /** Records what is held, once changes are recorded; the failure, if it could not. */
  private Optional<IOException> trySave() {
    if (!recorded) {
      return Optional.empty();
    }
    try {
      journal.save(records());
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e);
    }
  }

  /**
   * From now on every change is recorded: there was nothing to recover, or recovery holds every
   * recorded executor again.
   */
  void startRecording() {
    recorded = true;
    save();
  }

  /** A task's own container: no ports of its own, judged against its executor's; its task. */
  static ContainerConfig taskContainer(Task task) {
    return ContainerConfig.builder().ports(PortRanges.empty()).taskId(task.taskId()).build();
  }
}
