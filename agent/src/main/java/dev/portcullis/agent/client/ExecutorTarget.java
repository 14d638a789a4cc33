package dev.portcullis.agent.client;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags of a command aimed at one executor of an agent: the agent's address and the id. */
final class ExecutorTarget {

  @Mixin AgentEndpoint agent;

  @Option(
      names = "--executor_id",
      paramLabel = "ID",
      required = true,
      description = "The executor, by its id.")
  String executorId;

  /** A client of the agent. */
  AgentClient client() {
    return agent.client();
  }

  /** The executor's path in the API. */
  String path() {
    return AgentClient.executorPath(executorId);
  }
}
