package dev.portcullis.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.agent.host.SearchPath;
import dev.portcullis.agent.oci.OciRuntime;
import dev.portcullis.core.config.FlagException;
import dev.portcullis.core.config.GuardMode;
import dev.portcullis.core.config.IsolatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The agent's isolator flags on their way to core, parsed but not run: each value reaches core's
 * one parser as given, and a flag not given leaves its setting to core's (or a provider's) default.
 */
class AgentFlagsTest {

  private static IsolatorConfig config(String... flags) {
    return FlagsCommand.settings(flags).config();
  }

  @Test
  void flagsNotGivenKeepCoresDefaults() {
    IsolatorConfig config = config();
    assertEquals(IsolatorConfig.DEFAULT_WATCH_INTERVAL, config.watchInterval());
    assertEquals(IsolatorConfig.DEFAULT_FULL_SCAN_EVERY, config.fullScanEvery());
    assertEquals(IsolatorConfig.DEFAULT_GUARD_MODE, config.guardMode());
    assertEquals(Optional.empty(), config.guardName());
    assertFalse(config.enforceContainerPorts());
    // Only what the providers must be told reaches them: the cgroups root, and "no guard".
    assertEquals(
        Map.of("cgroups_root", "portcullis", "container_ports_guard", "none", "launcher", "linux"),
        config.providerSettings().asMap());
  }

  @Test
  void valuesReachCoreAsGivenAndBooleansTyped() {
    IsolatorConfig config =
        config(
            "--enforce_container_ports",
            "--no-check_agent_port_range_only",
            "--container_ports_include_udp=TRUE",
            "--container_ports_watch_interval= 1.5mins ",
            "--container_ports_full_scan_every=3",
            "--container_ports_guard_mode=Strict",
            "--container_ports_isolated_range=[1024-2047]");
    assertTrue(config.enforceContainerPorts());
    assertTrue(config.includeUdp());
    assertFalse(config.checkAgentPortRangeOnly());
    assertEquals(Duration.ofSeconds(90), config.watchInterval());
    assertEquals(3, config.fullScanEvery());
    assertEquals(GuardMode.STRICT, config.guardMode());
    assertEquals(
        " 1.5mins ", config.providerSettings().get("container_ports_watch_interval").get());
    assertEquals(Optional.empty(), config.providerSettings().get("enforce_container_ports"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--container_ports_watch_interval=0secs | Invalid flag"
            + " --container_ports_watch_interval=0secs: the duration must be positive",
        "--container_ports_full_scan_every=ten | Invalid flag"
            + " --container_ports_full_scan_every=ten: must be a whole number of scans, at least 1",
        "--container_ports_guard_mode=loose | Invalid flag --container_ports_guard_mode=loose: must"
            + " be scope or strict",
        "--container_ports_grace_scans=0 | Invalid flag --container_ports_grace_scans=0: must be at"
            + " least 1",
        "--launcher=windows | Invalid flag --launcher=windows: must be linux or posix",
        "--container_ports_kill=sideways | Invalid flag --container_ports_kill=sideways: must be"
            + " 'root' (kill the executor's whole tree) or 'offender' (kill only the container"
            + " listening)",
      })
  void aBadValueIsReportedByItsOneParser(String flag, String message) {
    FlagException error = assertThrows(FlagException.class, () -> FlagsCommand.settings(flag));
    assertEquals(message, error.getMessage());
  }

  @Test
  void theGraceCountIsCheckedUnderAnyPolicyAndPassedOnAsGiven() {
    assertThrows(
        FlagException.class,
        () ->
            FlagsCommand.settings(
                "--container_ports_policy=mesos", "--container_ports_grace_scans=x"));
    assertEquals(
        Optional.of(" 5"),
        config("--container_ports_grace_scans= 5")
            .providerSettings()
            .get("container_ports_grace_scans"));
  }

  @Test
  void theKillScopeIsCheckedUnderAnyPolicyAndPassedOnAsGiven() {
    assertThrows(
        FlagException.class,
        () -> FlagsCommand.settings("--container_ports_policy=grace", "--container_ports_kill="));
    assertEquals(
        Optional.of("Offender"),
        config("--container_ports_kill=Offender").providerSettings().get("container_ports_kill"));
    assertEquals(Optional.empty(), config().providerSettings().get("container_ports_kill"));
  }

  @Test
  void theGuardsListenCheckIsLeftToTheGuardUnlessGiven() {
    String setting = PortsFlags.GUARD_STOP_LISTENERS;
    assertEquals(Optional.empty(), config().providerSettings().get(setting));
    for (List<String> given :
        List.of(List.of("--no-" + setting), List.of("--" + setting + "=false"))) {
      assertEquals(
          Optional.of("false"),
          config(given.toArray(String[]::new)).providerSettings().get(setting));
    }
    assertEquals(Optional.of("true"), config("--" + setting).providerSettings().get(setting));
  }

  @Test
  void withoutThePortsIsolatorPosixIsAcceptedAndTheLauncherNotPassedOn() {
    AgentSettings settings =
        FlagsCommand.settings("--isolation=filesystem/posix", "--launcher=posix");
    assertFalse(settings.linuxLauncher());
    assertFalse(settings.isolatesPorts());
    assertEquals(Optional.empty(), settings.config().providerSettings().get("launcher"));
    FlagException error =
        assertThrows(FlagException.class, () -> FlagsCommand.settings("--launcher=posix"));
    assertTrue(
        error.getMessage().startsWith("Invalid flag --launcher=posix: the network/ports isolator"),
        error.getMessage());
  }

  @Test
  void theHelpQuotesEachDefaultFromWhereItIsWritten() {
    String usage = new CommandLine(new FlagsCommand()).getUsageMessage();
    for (String expected :
        List.of(
            "Default: " + IsolatorConfig.DEFAULT_WATCH_INTERVAL_TEXT + ".",
            "Default: " + IsolatorConfig.DEFAULT_GUARD_MODE_TEXT + ".",
            "Default: " + IsolatorConfig.DEFAULT_FULL_SCAN_EVERY + ".",
            "Default: " + IsolatorConfig.NO_GUARD + ".",
            "Default: portcullis.")) {
      assertTrue(usage.contains(expected), () -> expected + " not in:\n" + usage);
    }
    assertFalse(usage.contains("${"), usage);
  }

  private static Path executable(Path file) throws IOException {
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void anOciRuntimeIsTheProgramGivenWithItsStateRoot(@TempDir Path temp) throws IOException {
    Path runtime = executable(temp.resolve("crun"));
    OciRuntime oci =
        FlagsCommand.settings("--oci_runtime=" + runtime, "--oci_runtime_root=/run/crun-state")
            .oci()
            .orElseThrow();
    assertEquals(runtime, oci.executable());
    assertEquals(Path.of("/run/crun-state"), oci.stateRoot());

    oci = FlagsCommand.settings("--oci_runtime=" + runtime).oci().orElseThrow();
    assertEquals(OciRuntime.DEFAULT_STATE_ROOT, oci.stateRoot());
  }

  @Test
  void anOciRuntimeThatIsNoExecutableFileIsRefused(@TempDir Path temp) throws IOException {
    Path plain = Files.writeString(temp.resolve("plain"), "");
    for (Path path : List.of(temp.resolve("no-such-runc"), plain, temp)) {
      FlagException error =
          assertThrows(FlagException.class, () -> FlagsCommand.settings("--oci_runtime=" + path));
      assertEquals("oci_runtime", error.flag());
      assertEquals(
          "Invalid flag --oci_runtime="
              + path
              + ": is no executable file; install Debian's runc, or name the runtime's program",
          error.getMessage());
    }
  }

  @Test
  void anOciRuntimeNamedWithoutASlashIsLookedForOnPath() {
    String name = "no-such-runtime-" + ProcessHandle.current().pid();
    FlagException error =
        assertThrows(FlagException.class, () -> FlagsCommand.settings("--oci_runtime=" + name));
    assertEquals("oci_runtime", error.flag());
    assertTrue(error.getMessage().contains("is no executable file on PATH"), error.getMessage());
    // The shell is on every PATH.
    assertEquals(
        SearchPath.find("sh").orElseThrow(),
        FlagsCommand.settings("--oci_runtime=sh").oci().orElseThrow().executable());
  }

  @ParameterizedTest
  @ValueSource(strings = {"run/runc", "./state", "state"})
  void aRelativeOciRuntimeRootIsRefused(String root) {
    FlagException error =
        assertThrows(
            FlagException.class, () -> FlagsCommand.settings("--oci_runtime_root=" + root));
    assertEquals("oci_runtime_root", error.flag());
    assertEquals(
        "Invalid flag --oci_runtime_root=" + root + ": must be absolute", error.getMessage());
  }

  @Test
  void anOciRuntimeRootWithANulIsRefused() {
    FlagException error =
        assertThrows(
            FlagException.class, () -> FlagsCommand.settings("--oci_runtime_root=/run/a\u0000b"));
    assertEquals("oci_runtime_root", error.flag());
  }

  /** The root is checked even when no runtime is named, and before the runtime is looked for. */
  @Test
  void theOciRuntimeRootIsCheckedFirst() {
    FlagException error =
        assertThrows(
            FlagException.class,
            () -> FlagsCommand.settings("--oci_runtime=/no/such/runc", "--oci_runtime_root=rel"));
    assertEquals("oci_runtime_root", error.flag());
  }
}
