package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One executor as the executor core holds it at one moment: what the API shows and the checkpoint
 * keeps. Immutable, so that it can be rendered off the core's thread.
 *
 * @param executorId the executor's id, unique on the agent
 * @param container its top-level container
 * @param resources its resources as last given, in the text form
 * @param ports its allocated ports
 * @param networks its named networks; empty for the host network
 * @param terminated whether every task has ended and its containers are gone
 * @param listening the in-scope ports the last scan saw its containers listen on, if judged
 * @param guardRefusals what its port guard refused so far, as last read; empty without a guard
 * @param decision the kill decided on, once one is: recorded before it is carried out
 * @param tasks its tasks, in launch order; never empty
 * @param adoption the existing cgroup it follows instead of launching its task, if it is an
 *     adoption
 */
public record ExecutorRecord(
    String executorId,
    ContainerId container,
    String resources,
    PortRanges ports,
    List<String> networks,
    boolean terminated,
    Optional<PortRanges> listening,
    Optional<GuardRefusals> guardRefusals,
    Optional<Decision> decision,
    List<TaskRecord> tasks,
    Optional<Adoption> adoption) {

  /** Checks for nulls. */
  public ExecutorRecord {
    Objects.requireNonNull(executorId, "executorId");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(ports, "ports");
    networks = List.copyOf(networks);
    Objects.requireNonNull(listening, "listening");
    Objects.requireNonNull(guardRefusals, "guardRefusals");
    Objects.requireNonNull(decision, "decision");
    tasks = List.copyOf(tasks);
    Objects.requireNonNull(adoption, "adoption");
  }
}
