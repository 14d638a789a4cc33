package dev.portcullis.agent.executor;

import dev.portcullis.api.PortRanges;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A launch request, validated: an executor (the root container) with its resources and networks,
 * and its tasks, each to run in a container of its own nested in the executor's, or, with {@link
 * TaskLayout#IN_EXECUTOR}, the one task in the executor's container itself.
 *
 * @param executorId the executor's id, unique on the agent
 * @param resources the resources as given, in the text form; its ports are the allocation
 * @param ports the allocated ports
 * @param networks the named networks; empty for the host network
 * @param tasks the tasks; never empty; the one task of an adoption, whose command is empty
 * @param adoption the existing cgroup the executor follows instead of launching its task, if any
 */
public record ExecutorSpec(
    String executorId,
    String resources,
    PortRanges ports,
    List<String> networks,
    List<TaskSpec> tasks,
    Optional<Adoption> adoption) {

  /** Copies the lists. */
  public ExecutorSpec {
    networks = List.copyOf(networks);
    tasks = List.copyOf(tasks);
    Objects.requireNonNull(adoption, "adoption");
    if (adoption.isPresent() && (tasks.size() != 1 || !networks.isEmpty())) {
      throw new IllegalArgumentException(
          "an adoption has one task, and is in the host network namespace");
    }
  }

  /** An executor whose tasks the agent launches. */
  public ExecutorSpec(
      String executorId,
      String resources,
      PortRanges ports,
      List<String> networks,
      List<TaskSpec> tasks) {
    this(executorId, resources, ports, networks, tasks, Optional.empty());
  }
}
