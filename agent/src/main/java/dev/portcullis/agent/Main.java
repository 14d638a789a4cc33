package dev.portcullis.agent;

import java.io.PrintWriter;
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
    subcommands = {
      RunCommand.class,
      ScanCommand.class,
      ListenCommand.class,
      AgentCommand.class,
      LaunchCommand.class,
      UpdateCommand.class,
      KillCommand.class,
      PsCommand.class,
      EventsCommand.class
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the task finished (run), or the command succeeded",
      "1:the task ended in any other state (run); the host could not be read (scan); the agent"
          + " answered with an error (launch, update, kill, ps, events)",
      "2:a bad flag or a start-up failure; nothing was launched"
    })
public final class Main implements Callable<Integer> {

  /** Exit status for a bad flag or a start-up failure. */
  public static final int USAGE = 2;

  @Spec CommandSpec spec;

  private Main() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status. */
  static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setParameterExceptionHandler(
        (failure, arguments) -> {
          PrintWriter err = failure.getCommandLine().getErr();
          err.println(failure.getCommandLine().getCommandName() + ": " + failure.getMessage());
          err.flush();
          return USAGE;
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
          return USAGE;
        });
    return cli.execute(args);
  }

  /** Without a sub-command: the usage, on standard error, and status 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
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
