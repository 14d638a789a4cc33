package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One executor: a top-level container holding the allocation, and its tasks. Confined to the core's
 * thread.
 */
final class Executor {

  private final String executorId;
  private final ContainerId container;
  private final List<String> networks;
  private final Optional<Adoption> adoption;
  private final Map<String, Task> tasks = new LinkedHashMap<>();

  private String resources;
  private PortRanges ports;
  private boolean terminated;
  private Optional<PortRanges> listening = Optional.empty();
  private Optional<GuardRefusals> guardRefusals = Optional.empty();
  private KillWatch kills = new KillWatch(Optional.empty());

  Executor(
      String executorId,
      ContainerId container,
      String resources,
      PortRanges ports,
      List<String> networks,
      boolean terminated,
      Optional<Adoption> adoption) {
    this.executorId = executorId;
    this.container = container;
    this.resources = resources;
    this.ports = ports;
    this.networks = List.copyOf(networks);
    this.terminated = terminated;
    this.adoption = adoption;
  }

  /** An executor as a checkpoint recorded it. */
  static Executor restore(ExecutorRecord record) {
    Executor executor =
        new Executor(
            record.executorId(),
            record.container(),
            record.resources(),
            record.ports(),
            record.networks(),
            record.terminated(),
            record.adoption());
    record.tasks().forEach(task -> executor.add(Task.restore(task)));
    executor.kills = new KillWatch(record.decision());
    return executor;
  }

  String executorId() {
    return executorId;
  }

  ContainerId container() {
    return container;
  }

  PortRanges ports() {
    return ports;
  }

  List<String> networks() {
    return networks;
  }

  /** The existing cgroup this executor follows, if it is an adoption rather than a launch. */
  Optional<Adoption> adoption() {
    return adoption;
  }

  ContainerConfig config() {
    ContainerConfig.Builder config = ContainerConfig.builder().ports(ports).networks(networks);
    // A task run in the executor's own container (portcullis run) is that container's task.
    for (Task task : tasks.values()) {
      if (task.container().equals(container)) {
        config.taskId(task.taskId());
      }
    }
    return config.build();
  }

  void allocate(String newResources, PortRanges newPorts) {
    this.resources = newResources;
    this.ports = newPorts;
  }

  void add(Task task) {
    tasks.put(task.taskId(), task);
  }

  Collection<Task> tasks() {
    return tasks.values();
  }

  /** The tasks not yet in a terminal state. */
  List<Task> liveTasks() {
    List<Task> live = new ArrayList<>();
    for (Task task : tasks.values()) {
      if (!task.state().isTerminal()) {
        live.add(task);
      }
    }
    return live;
  }

  /** Whether every task has ended and the containers are gone. */
  boolean terminated() {
    return terminated;
  }

  /** Every task has ended and the containers are gone: nothing is listened on any more. */
  void terminate() {
    this.terminated = true;
    kills.stopWatching();
    this.listening = Optional.empty();
    tasks.values().forEach(task -> task.listening(Optional.empty()));
  }

  /** The kill of this executor decided on, once one is; the first decision stands. */
  Optional<Decision> decision() {
    return kills.decision();
  }

  /**
   * Decides to kill this executor, unless a kill is decided already.
   *
   * @return whether this decision is the one that stands
   */
  boolean decide(Decision kill) {
    return kills.decide(kill);
  }

  /** The limitation the isolator raised on this executor's root, once it has. */
  Optional<ContainerLimitation> limitation() {
    return kills.limitation();
  }

  /** The isolator's watch on this executor's root; it completes only if the isolator limits it. */
  void watch(CompletableFuture<ContainerLimitation> watch) {
    kills.watch(watch);
  }

  void guardRefusals(GuardRefusals refusals) {
    this.guardRefusals = Optional.of(refusals);
  }

  void listening(Optional<PortRanges> ports) {
    this.listening = ports;
  }

  ExecutorRecord record() {
    List<TaskRecord> records = new ArrayList<>();
    tasks.values().forEach(task -> records.add(task.record()));
    return new ExecutorRecord(
        executorId,
        container,
        resources,
        ports,
        networks,
        terminated,
        listening,
        guardRefusals,
        kills.decision(),
        records,
        adoption);
  }
}
