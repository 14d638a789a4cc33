package dev.portcullis.examples.embedding;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.PortsIsolatorBuilder;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A node agent in one class: {@code EmbeddedAgent --ports=RANGES [--FLAG=VALUE...] -- COMMAND
 * [ARG...]} builds an isolator from the isolator flags given and the providers on its module path,
 * creates a container, launches the command in it with the ports {@code --ports} allocates,
 * enforces them, and prints one line when the command ends: {@code FINISHED <status>} or {@code
 * LIMITED <ports> <message>}. Exit status 0 if the command exited 0, 1 if it failed or was limited,
 * 2 for bad arguments.
 */
public final class EmbeddedAgent {

  private EmbeddedAgent() {}

  /** Runs the agent and exits with its status. */
  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out));
  }

  /** Runs the agent, printing its one line to {@code out}; returns the exit status. */
  static int run(String[] args, PrintStream out) throws Exception {
    int dashes = Arrays.asList(args).indexOf("--");
    if (dashes < 0 || dashes == args.length - 1) {
      System.err.println("usage: EmbeddedAgent --ports=RANGES [--FLAG=VALUE...] -- COMMAND...");
      return 2;
    }
    Map<String, String> flags = new LinkedHashMap<>();
    for (String arg : Arrays.copyOfRange(args, 0, dashes)) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        System.err.println("not a --FLAG=VALUE: " + arg);
        return 2;
      }
      flags.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    String ports = flags.remove("ports");
    if (ports == null) {
      System.err.println("--ports=RANGES is required, for example --ports=[31000-31000]");
      return 2;
    }
    List<String> command = List.of(Arrays.copyOfRange(args, dashes + 1, args.length));

    ContainerId container = ContainerId.of("embedded-" + UUID.randomUUID());
    // Told before the isolator kills: the task's death by that kill is then never mistaken for an
    // exit of its own. (isolator.watch completes too, but only after the kill.)
    CompletableFuture<ContainerLimitation> limited = new CompletableFuture<>();
    // The isolator, from flags and the providers found at run time, as the README shows.
    PortsIsolatorBuilder builder =
        PortsIsolator.builder()
            .config(IsolatorConfig.fromFlags(flags))
            .selectProviders(ProviderLoader.serviceLoader())
            .beforeKill(
                limitation -> {
                  if (limitation.container().equals(container)) {
                    limited.complete(limitation);
                  }
                });
    // The tracker the isolator scans with is the one that confines the task.
    ProcessTracker tracker = builder.processTracker().orElseThrow();
    try (PortsIsolator isolator = builder.build()) {
      tracker.create(container);
      try {
        isolator.prepare(container, ContainerConfig.withPorts(PortRanges.parse(ports)));
        Process task = launch(tracker, container, command);
        isolator.start();
        CompletableFuture.anyOf(limited, task.onExit()).join();
        if (limited.isDone()) {
          ContainerLimitation limitation = limited.join();
          out.println("LIMITED " + limitation.ports() + " " + limitation.message());
          return 1;
        }
        int status = task.waitFor();
        out.println("FINISHED " + status);
        return status == 0 ? 0 : 1;
      } finally {
        tracker.kill(container);
        isolator.cleanup(container);
        tracker.remove(container);
      }
    }
  }

  /**
   * Starts the command held by a shell until its process is in the container, so that nothing it
   * does, not even a fork, happens outside.
   */
  private static Process launch(ProcessTracker tracker, ContainerId container, List<String> command)
      throws IOException {
    List<String> held = new ArrayList<>(List.of("sh", "-c", "read go && exec \"$@\"", "task"));
    held.addAll(command);
    Process process =
        new ProcessBuilder(held)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    tracker.place(container, process.pid());
    try (OutputStream release = process.getOutputStream()) {
      release.write("go\n".getBytes(StandardCharsets.US_ASCII));
    }
    return process;
  }
}
