package dev.portcullis.agent.daemon;

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
 * One executor: a top-level container holding the allocation, and its tasks, each in a nested
 * container. Confined to the agent's thread.
 */
final class ExecutorEntry {

  private final String executorId;
  private final ContainerId container;
  private final List<String> networks;
  private final Map<String, TaskEntry> tasks = new LinkedHashMap<>();

  private String resources;
  private PortRanges ports;
  private boolean terminated;
  private Optional<PortRanges> listening = Optional.empty();
  private Optional<GuardRefusals> guardRefusals = Optional.empty();
  private CompletableFuture<ContainerLimitation> limitation = new CompletableFuture<>();

  ExecutorEntry(
      String executorId,
      ContainerId container,
      String resources,
      PortRanges ports,
      List<String> networks,
      boolean terminated) {
    this.executorId = executorId;
    this.container = container;
    this.resources = resources;
    this.ports = ports;
    this.networks = List.copyOf(networks);
    this.terminated = terminated;
  }

  String executorId() {
    return executorId;
  }

  ContainerId container() {
    return container;
  }

  String resources() {
    return resources;
  }

  PortRanges ports() {
    return ports;
  }

  List<String> networks() {
    return networks;
  }

  ContainerConfig config() {
    return ContainerConfig.builder().ports(ports).networks(networks).build();
  }

  void allocate(String newResources, PortRanges newPorts) {
    this.resources = newResources;
    this.ports = newPorts;
  }

  void add(TaskEntry task) {
    tasks.put(task.taskId(), task);
  }

  Collection<TaskEntry> tasks() {
    return tasks.values();
  }

  /** The tasks not yet in a terminal state. */
  List<TaskEntry> liveTasks() {
    List<TaskEntry> live = new ArrayList<>();
    for (TaskEntry task : tasks.values()) {
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

  void terminate() {
    this.terminated = true;
    this.limitation.cancel(false);
  }

  /** The isolator's watch on this executor; never completes unless the isolator limits it. */
  CompletableFuture<ContainerLimitation> limitation() {
    return limitation;
  }

  void watch(CompletableFuture<ContainerLimitation> watch) {
    this.limitation = watch;
  }

  Optional<PortRanges> listening() {
    return listening;
  }

  /** What the executor's port guard refused so far, as the last scan read it; empty unguarded. */
  Optional<GuardRefusals> guardRefusals() {
    return guardRefusals;
  }

  void guardRefusals(Optional<GuardRefusals> refusals) {
    this.guardRefusals = refusals;
  }

  void listening(Optional<PortRanges> ports) {
    this.listening = ports;
  }
}
