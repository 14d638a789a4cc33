package dev.portcullis.agent;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder being replaced by the run command. */
@Command(name = "run", mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalStateException("run is being written");
  }
}
