package dev.portcullis.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** A command that holds nothing but the agent's flags, to parse them as a real command does. */
@Command(name = "flags")
final class FlagsCommand {

  @Mixin AgentFlags agent;

  /** The flags parsed and validated, as {@code run} and {@code agent} get them. */
  static AgentSettings settings(String... flags) {
    FlagsCommand command = new FlagsCommand();
    new CommandLine(command).parseArgs(flags);
    return command.agent.settings();
  }
}
