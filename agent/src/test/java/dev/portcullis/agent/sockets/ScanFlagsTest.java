package dev.portcullis.agent.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.agent.Main;
import dev.portcullis.api.Protocol;
import dev.portcullis.core.config.FlagException;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The flags of {@code portcullis scan}, parsed but not run: nothing here touches the host. */
class ScanFlagsTest {

  private static ScanCommand parse(String... args) {
    ScanCommand command = new ScanCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void defaults() {
    ScanCommand command = parse();
    assertEquals(ScanFormat.TABLE, command.format);
    IsolatorConfig config = command.host.config();
    assertEquals(Set.of(Protocol.TCP), config.protocols());
    // The cgroups root always reaches the providers; UDP goes typed, not as text.
    assertEquals(Map.of("cgroups_root", "portcullis"), config.providerSettings().asMap());
  }

  @ParameterizedTest
  @CsvSource({
    "--container_ports_include_udp, true",
    "--container_ports_include_udp=true, true",
    "--container_ports_include_udp=TRUE, true",
    "--container_ports_include_udp=false, false",
    "--no-container_ports_include_udp, false"
  })
  void udpIsAMesosStyleBoolean(String flag, boolean expected) {
    assertEquals(expected, parse(flag).host.config().includeUdp());
  }

  @Test
  void everyProviderFlagIsPassedOn() {
    ScanCommand command =
        parse(
            "--format=json",
            "--socket_source=procfs",
            "--process_tracker=cgroups-v1",
            "--cgroups_hierarchy=/sys/fs/cgroup",
            "--cgroups_root=agents/a1");
    assertEquals(ScanFormat.JSON, command.format);
    IsolatorConfig config = command.host.config();
    assertEquals(
        Map.of(
            "socket_source", "procfs",
            "process_tracker", "cgroups-v1",
            "cgroups_hierarchy", "/sys/fs/cgroup",
            "cgroups_root", "agents/a1"),
        config.providerSettings().asMap());
    assertEquals(Optional.of("procfs"), config.socketSourceName());
    assertEquals(Optional.of("cgroups-v1"), config.processTrackerName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--format=xml", "--format=JSON", "--format="})
  void anUnknownFormatIsAParameterErrorNamingTheFlag(String flag) {
    CommandLine.ParameterException error =
        assertThrows(CommandLine.ParameterException.class, () -> parse(flag));
    assertTrue(error.getMessage().contains("--format"), error.getMessage());
    assertTrue(error.getMessage().contains("expected table or json"), error.getMessage());
  }

  @Test
  void aNonBooleanUdpValueIsAParameterError() {
    CommandLine.ParameterException error =
        assertThrows(
            CommandLine.ParameterException.class,
            () -> parse("--container_ports_include_udp=maybe"));
    assertTrue(error.getMessage().contains("container_ports_include_udp"), error.getMessage());
  }

  @Test
  void everyOptionsHelpShowsItsDefault() {
    CommandLine cli = new CommandLine(new ScanCommand());
    for (CommandLine.Model.OptionSpec option : cli.getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      String description = String.join(" ", option.description());
      assertTrue(description.contains("Default: "), option.longestName() + ": " + description);
      assertFalse(description.contains("${"), option.longestName() + ": " + description);
    }
    String usage = cli.getUsageMessage();
    assertTrue(usage.contains("Default: table."), usage);
    assertTrue(usage.contains("Default: false."), usage);
    assertTrue(usage.contains("Default: portcullis."), usage);
  }

  @Test
  void aProviderSettingNamedAsAFlagOfAnotherCommandIsRefused() {
    CommandLine portcullis = Main.everyCommand();
    portcullis.parseArgs("scan", "--provider_setting=task_id=web-1");
    ScanCommand scan = portcullis.getSubcommands().get("scan").getCommand();

    FlagException failure = assertThrows(FlagException.class, () -> scan.host.config());
    assertTrue(
        failure.getMessage().contains("task_id is a flag of the agent's (--task_id)"),
        failure.getMessage());
  }
}
