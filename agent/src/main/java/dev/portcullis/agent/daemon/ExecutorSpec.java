package dev.portcullis.agent.daemon;

import dev.portcullis.api.PortRanges;
import java.util.List;

/**
 * A launch request, validated: an executor (the root container) with its resources and networks,
 * and its tasks, each to run in a container nested in the executor's.
 *
 * @param executorId the executor's id, unique on the agent
 * @param resources the resources as given, in the text form; its ports are the allocation
 * @param ports the allocated ports
 * @param networks the named networks; empty for the host network
 * @param tasks the tasks; never empty
 */
record ExecutorSpec(
    String executorId,
    String resources,
    PortRanges ports,
    List<String> networks,
    List<TaskSpec> tasks) {

  ExecutorSpec {
    networks = List.copyOf(networks);
    tasks = List.copyOf(tasks);
  }
}
