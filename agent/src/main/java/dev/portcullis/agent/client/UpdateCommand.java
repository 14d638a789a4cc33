package dev.portcullis.agent.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis update}: gives a running executor new resources, by {@code PUT
 * /v1/executors/ID/resources}; its ports from then on are the new resources' ports.
 */
@Command(
    name = "update",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Replaces a running executor's resources; its tasks may listen only on the new ports from"
          + " then on. Prints the executor, as one line of JSON, to standard output.",
      ""
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the agent updated the executor",
      "1:the agent refused or failed to update it; its error is on standard error",
      "2:a bad flag, or the agent cannot be reached"
    })
public final class UpdateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ExecutorTarget executor;

  @Option(
      names = "--resources",
      paramLabel = "RESOURCES",
      required = true,
      description =
          "The executor's new resources, such as cpus:1;ports:[31000-31004]; without ports, as"
              + " cpus:1, it has none.")
  String resources;

  @Override
  public Integer call() throws InterruptedException {
    return executor
        .client()
        .put(
            executor.path() + "/resources",
            AgentClient.JSON.createObjectNode().put("resources", resources))
        .print(spec);
  }
}
