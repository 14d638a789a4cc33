package dev.portcullis.agent;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder being replaced by the scan command. */
@Command(name = "scan", mixinStandardHelpOptions = true)
final class ScanCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalStateException("scan is being written");
  }
}
