package dev.portcullis.agent;

import dev.portcullis.agent.cli.StartupException;
import dev.portcullis.agent.client.AckCommand;
import dev.portcullis.agent.client.AdoptCommand;
import dev.portcullis.agent.client.EventsCommand;
import dev.portcullis.agent.client.KillCommand;
import dev.portcullis.agent.client.LaunchCommand;
import dev.portcullis.agent.client.PsCommand;
import dev.portcullis.agent.client.UpdateCommand;
import dev.portcullis.agent.daemon.AgentCommand;
import dev.portcullis.agent.providers.ProvidersCommand;
import dev.portcullis.agent.run.RunCommand;
import dev.portcullis.agent.sockets.ListenCommand;
import dev.portcullis.agent.sockets.ScanCommand;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis}: the reference agent's command line.
 *
 * <p>Exit status: what the sub-command returns ({@code run}: 0 iff the task finished, 1 for any
 * other terminal state); 2 for a bad flag or a start-up failure, reported as one line on standard
 * error, with nothing launched.
 */
@Command(
    name = "portcullis",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Enforces network port assignments for tasks in the host network namespace.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the task finished (run), or the command succeeded",
      "1:the task ended in any other state (run); the host could not be read (scan); a kind of"
          + " provider the agent needs cannot be selected (providers); the agent answered with an"
          + " error (launch, update, kill, ps, events, ack)",
      "2:a bad flag or a start-up failure, an extension module that cannot be loaded among"
          + " them; nothing was launched"
    })
public final class Main implements Callable<Integer> {

  /**
   * The sub-commands, by name, in the order the usage lists them. Only the one named is built: each
   * costs picocli a reflective walk of its options and loads its classes, which for a short command
   * such as {@code scan} is a good part of its start.
   */
  private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  @Spec CommandSpec spec;

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> subcommands = new LinkedHashMap<>();
    subcommands.put("run", RunCommand.class);
    subcommands.put("scan", ScanCommand.class);
    subcommands.put("listen", ListenCommand.class);
    subcommands.put("providers", ProvidersCommand.class);
    subcommands.put("agent", AgentCommand.class);
    subcommands.put("launch", LaunchCommand.class);
    subcommands.put("adopt", AdoptCommand.class);
    subcommands.put("update", UpdateCommand.class);
    subcommands.put("kill", KillCommand.class);
    subcommands.put("ps", PsCommand.class);
    subcommands.put("events", EventsCommand.class);
    subcommands.put("ack", AckCommand.class);
    return Collections.unmodifiableMap(subcommands);
  }

  private Main() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
    // The first word that is not an option names the sub-command; without one, or with one that is
    // not a sub-command, every sub-command is built, for the usage or the error that lists them.
    String named = null;
    for (String arg : args) {
      if (!arg.startsWith("-")) {
        named = arg;
        break;
      }
    }
    if (named != null && SUBCOMMANDS.containsKey(named)) {
      cli.addSubcommand(named, SUBCOMMANDS.get(named));
    } else {
      SUBCOMMANDS.forEach(cli::addSubcommand);
    }
    cli.setParameterExceptionHandler(
        (failure, arguments) -> {
          PrintWriter err = failure.getCommandLine().getErr();
          err.println(failure.getCommandLine().getCommandName() + ": " + failure.getMessage());
          err.flush();
          return StartupException.EXIT_STATUS;
        });
    cli.setExecutionExceptionHandler(
        (failure, command, parsed) -> {
          PrintWriter err = command.getErr();
          if (failure instanceof StartupException || failure instanceof IllegalArgumentException) {
            err.println(command.getCommandName() + ": " + failure.getMessage());
          } else {
            err.println(command.getCommandName() + ": unexpected failure: " + failure);
          }
          err.flush();
          return StartupException.EXIT_STATUS;
        });
    return cli.execute(args);
  }

  /**
   * {@return the command line with every sub-command built} For what must know every flag of every
   * command, such as the check that a provider setting is named like none of them.
   */
  public static CommandLine everyCommand() {
    CommandLine cli = new CommandLine(new Main());
    SUBCOMMANDS.forEach(cli::addSubcommand);
    return cli;
  }

  /** Without a sub-command: the usage, on standard error, and status 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return StartupException.EXIT_STATUS;
  }

  /** The version from the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"portcullis " + (version == null ? "(development build)" : version)};
    }
  }
}
