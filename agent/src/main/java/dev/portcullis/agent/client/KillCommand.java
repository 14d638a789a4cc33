package dev.portcullis.agent.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis kill}: kills a running executor and its tasks, by {@code DELETE
 * /v1/executors/ID}.
 */
@Command(
    name = "kill",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Kills an executor and every task in it. Prints the executor, as one line of JSON, to"
          + " standard output.",
      ""
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the agent killed the executor",
      "1:the agent refused or failed to kill it; its error is on standard error",
      "2:a bad flag, or the agent cannot be reached"
    })
public final class KillCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ExecutorTarget executor;

  @Override
  public Integer call() throws InterruptedException {
    return executor.client().delete(executor.path()).print(spec);
  }
}
