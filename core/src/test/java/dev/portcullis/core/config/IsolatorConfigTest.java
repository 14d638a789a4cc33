package dev.portcullis.core.config;

import static dev.portcullis.core.config.DurationsTest.assertStartsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.PortRangesFormatException;
import dev.portcullis.api.Protocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IsolatorConfigTest {

  /** Builds without reading real system properties, so that the host cannot change results. */
  private static IsolatorConfig fromFlags(Map<String, String> flags) {
    return IsolatorConfig.builder().flags(flags).build(property -> null);
  }

  @Test
  void defaultsMatchMesos() {
    IsolatorConfig config = fromFlags(Map.of());
    assertEquals("linux", config.launcher());
    assertFalse(config.enforceContainerPorts());
    assertEquals(Duration.ofSeconds(30), config.watchInterval());
    assertFalse(config.checkAgentPortRangeOnly());
    assertEquals(Optional.empty(), config.isolatedRange());
    assertEquals(AgentResources.none(), config.resources());
    assertFalse(config.includeUdp());
    assertEquals(Optional.empty(), config.socketSourceName());
    assertEquals(Optional.empty(), config.processTrackerName());
    assertEquals(Optional.empty(), config.policyName());
    assertEquals(10, config.fullScanEvery());
    assertEquals(Optional.empty(), config.guardName());
    assertEquals(GuardMode.SCOPE, config.guardMode());
    assertEquals(Optional.empty(), config.scope());
    assertEquals(Set.of(Protocol.TCP), config.protocols());
    assertTrue(config.providerSettings().asMap().isEmpty());
  }

  @Test
  void readsEveryFlag() {
    IsolatorConfig config =
        fromFlags(
            Map.ofEntries(
                Map.entry(IsolatorConfig.LAUNCHER, "linux"),
                Map.entry(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "TRUE"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, "500ms"),
                Map.entry(IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "False"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, "[1024-65535]"),
                Map.entry(IsolatorConfig.RESOURCES, "cpus:1;ports:[31000-31999]"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP, " true "),
                Map.entry(IsolatorConfig.SOCKET_SOURCE, "netlink"),
                Map.entry(IsolatorConfig.PROCESS_TRACKER, " cgroups-v2 "),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_POLICY, "grace"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, "3"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_GUARD, " bpf "),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_GUARD_MODE, "Strict")));
    assertTrue(config.enforceContainerPorts());
    assertEquals(Duration.ofMillis(500), config.watchInterval());
    assertFalse(config.checkAgentPortRangeOnly());
    assertEquals(Optional.of(PortRanges.range(1024, 65535)), config.isolatedRange());
    assertEquals(Optional.of(PortRanges.range(31000, 31999)), config.resources().ports());
    assertTrue(config.includeUdp());
    assertEquals(Optional.of("netlink"), config.socketSourceName());
    assertEquals(Optional.of("cgroups-v2"), config.processTrackerName());
    assertEquals(Optional.of("grace"), config.policyName());
    assertEquals(3, config.fullScanEvery());
    assertEquals(Optional.of("bpf"), config.guardName());
    assertEquals(GuardMode.STRICT, config.guardMode());
    assertEquals(Set.of(Protocol.TCP, Protocol.UDP), config.protocols());
    assertEquals(List.of(Protocol.TCP, Protocol.UDP), List.copyOf(config.protocols()));
  }

  @Test
  void keepsEveryFlagGivenIncludingUnknownOnesForProviders() {
    Map<String, String> flags =
        Map.of("cgroups_root", "portcullis", IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true");
    IsolatorConfig config = fromFlags(flags);
    assertEquals(flags, config.providerSettings().asMap());
    assertEquals(Optional.of("portcullis"), config.providerSettings().get("cgroups_root"));
  }

  @Test
  void theBuilderAndTheFlagsAgree() {
    IsolatorConfig fromBuilder =
        IsolatorConfig.builder()
            .enforceContainerPorts(true)
            .watchInterval(Duration.ofMinutes(2))
            .checkAgentPortRangeOnly(true)
            .resources(AgentResources.parse("ports:[8000-8999]"))
            .includeUdp(true)
            .socketSourceName("netlink")
            .processTrackerName("cgroups-v1")
            .policyName("mesos")
            .fullScanEvery(5)
            .guardName("bpf")
            .guardMode(GuardMode.STRICT)
            .build(property -> null);
    IsolatorConfig fromFlags =
        fromFlags(
            Map.ofEntries(
                Map.entry(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, "2mins"),
                Map.entry(IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "true"),
                Map.entry(IsolatorConfig.RESOURCES, "ports:[8000-8999]"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP, "true"),
                Map.entry(IsolatorConfig.SOCKET_SOURCE, "netlink"),
                Map.entry(IsolatorConfig.PROCESS_TRACKER, "cgroups-v1"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_POLICY, "mesos"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, "5"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_GUARD, "bpf"),
                Map.entry(IsolatorConfig.CONTAINER_PORTS_GUARD_MODE, "strict")));
    assertEquals(fromFlags.describe(), fromBuilder.describe());
    // Only the flags given by name reach the providers.
    assertTrue(fromBuilder.providerSettings().asMap().isEmpty());
    assertNotEquals(fromFlags, fromBuilder);
    assertEquals(
        fromFlags,
        IsolatorConfig.builder()
            .flags(fromFlags.providerSettings().asMap())
            .build(property -> null));
  }

  @Test
  void describeListsEffectiveValuesAndScope() {
    IsolatorConfig config =
        fromFlags(
            Map.of(
                IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "true",
                IsolatorConfig.RESOURCES, "cpus:2;ports:[31000-31100]",
                IsolatorConfig.SOCKET_SOURCE, "netlink"));
    assertEquals(
        "--launcher=linux --enforce_container_ports=false"
            + " --container_ports_watch_interval=30secs --check_agent_port_range_only=true"
            + " --container_ports_isolated_range=(none) --resources=cpus:2;ports:[31000-31100]"
            + " --container_ports_include_udp=false --socket_source=netlink"
            + " --process_tracker=(automatic) --container_ports_policy=(automatic)"
            + " --container_ports_full_scan_every=10 --container_ports_guard=none"
            + " --container_ports_guard_mode=scope (checking ports [31000-31100] over TCP)",
        config.describe());
    assertEquals("IsolatorConfig[" + config.describe() + "]", config.toString());
    assertTrue(fromFlags(Map.of()).describe().endsWith("(checking every port over TCP)"));
  }

  @Test
  void noneMeansNoGuardAndTheSystemPropertyNamesOneWhenTheFlagIsAbsent() {
    assertEquals(
        Optional.empty(),
        fromFlags(Map.of(IsolatorConfig.CONTAINER_PORTS_GUARD, "none")).guardName());
    Map<String, String> properties = Map.of("portcullis.container_ports_guard", "bpf");
    assertEquals(Optional.of("bpf"), IsolatorConfig.builder().build(properties::get).guardName());
    assertEquals(
        Optional.empty(),
        IsolatorConfig.builder()
            .flag(IsolatorConfig.CONTAINER_PORTS_GUARD, "none")
            .build(properties::get)
            .guardName());
  }

  @Test
  void aBadGuardModeOrABlankGuardNameIsRefusedNamingTheFlag() {
    FlagException mode =
        assertThrows(
            FlagException.class,
            () -> fromFlags(Map.of(IsolatorConfig.CONTAINER_PORTS_GUARD_MODE, "loose")));
    assertEquals(IsolatorConfig.CONTAINER_PORTS_GUARD_MODE, mode.flag());
    assertTrue(mode.getMessage().contains("must be scope or strict"), mode.getMessage());
    FlagException name =
        assertThrows(
            FlagException.class,
            () -> fromFlags(Map.of(IsolatorConfig.CONTAINER_PORTS_GUARD, " ")));
    assertEquals(IsolatorConfig.CONTAINER_PORTS_GUARD, name.flag());
  }

  @Nested
  class Scope {

    @Test
    void everyPortByDefault() {
      assertEquals(Optional.empty(), fromFlags(Map.of()).scope());
    }

    @Test
    void theIsolatedRangeWhenGiven() {
      IsolatorConfig config =
          fromFlags(
              Map.of(
                  IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, "[1024-2047, 8080-8080]",
                  IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "false",
                  IsolatorConfig.RESOURCES, "ports:[31000-32000]"));
      assertEquals(Optional.of(PortRanges.parse("[1024-2047,8080-8080]")), config.scope());
    }

    @Test
    void anEmptyIsolatedRangeChecksNothing() {
      IsolatorConfig config =
          IsolatorConfig.builder().isolatedRange(PortRanges.empty()).build(property -> null);
      assertEquals(Optional.of(PortRanges.empty()), config.scope());
    }

    @Test
    void rangeOnlyWithoutAPortsResourceChecksTheMesosDefault() {
      assertEquals(
          Optional.of(PortRanges.range(31000, 32000)),
          fromFlags(Map.of(IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "true")).scope());
      assertEquals(
          Optional.of(IsolatorConfig.DEFAULT_AGENT_PORTS),
          fromFlags(
                  Map.of(
                      IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "true",
                      IsolatorConfig.RESOURCES, "cpus:1;mem:64"))
              .scope());
    }

    @Test
    void rangeOnlyChecksTheAgentsPorts() {
      IsolatorConfig config =
          fromFlags(
              Map.of(
                  IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY,
                  "true",
                  IsolatorConfig.RESOURCES,
                  "[{\"name\":\"ports\",\"type\":\"RANGES\","
                      + "\"ranges\":{\"range\":[{\"begin\":5000,\"end\":5999}]}}]"));
      assertEquals(Optional.of(PortRanges.range(5000, 5999)), config.scope());
    }

    @Test
    void rangeOnlyWithAnExplicitlyEmptyPortsResourceChecksNothing() {
      IsolatorConfig config =
          fromFlags(
              Map.of(
                  IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "true",
                  IsolatorConfig.RESOURCES, "cpus:1;ports:[]"));
      assertEquals(Optional.of(PortRanges.empty()), config.scope());
    }

    @Test
    void resourcesAloneDoNotLimitTheScope() {
      assertEquals(
          Optional.empty(),
          fromFlags(Map.of(IsolatorConfig.RESOURCES, "ports:[31000-32000]")).scope());
    }
  }

  @Nested
  class FlagErrors {

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '`',
        value = {
          "launcher | posix | Invalid flag --launcher=posix: the network/ports isolator needs"
              + " --launcher=linux, because it finds a task's processes through the cgroups",
          "launcher | `` | Invalid flag --launcher=: the network/ports isolator needs"
              + " --launcher=linux",
          "enforce_container_ports | yes | Invalid flag --enforce_container_ports=yes: must be"
              + " true or false",
          "enforce_container_ports | `` | Invalid flag --enforce_container_ports=: must be true"
              + " or false",
          "check_agent_port_range_only | 1 | Invalid flag --check_agent_port_range_only=1: must"
              + " be true or false",
          "container_ports_include_udp | on | Invalid flag --container_ports_include_udp=on: must"
              + " be true or false",
          "container_ports_watch_interval | 30s | Invalid flag"
              + " --container_ports_watch_interval=30s: unknown unit 's'; valid units are ns, us,"
              + " ms, secs, mins, hrs, days, weeks",
          "container_ports_watch_interval | 0secs | Invalid flag"
              + " --container_ports_watch_interval=0secs: the duration must be positive",
          "container_ports_watch_interval | 30 | Invalid flag"
              + " --container_ports_watch_interval=30: the unit is missing",
          "container_ports_isolated_range | [1-2 | Invalid flag"
              + " --container_ports_isolated_range=[1-2: it must end with ']'",
          "container_ports_isolated_range | 1024-2048 | Invalid flag"
              + " --container_ports_isolated_range=1024-2048: it must start with '['",
          "container_ports_isolated_range | [2048-1024] | Invalid flag"
              + " --container_ports_isolated_range=[2048-1024]: range 2048-1024 has begin > end",
          "container_ports_isolated_range | [0-65536] | Invalid flag"
              + " --container_ports_isolated_range=[0-65536]: port 65536 is out of bounds",
          "resources | cpus:1;ports:5 | Invalid flag --resources=cpus:1;ports:5: entry"
              + " 'ports:5': ports must be a range list such as [31000-32000]",
          "resources | cpus:1;;mem:2 | Invalid flag --resources=cpus:1;;mem:2: empty entry"
              + " between 'cpus:1' and 'mem:2'",
          "container_ports_full_scan_every | 0 | Invalid flag"
              + " --container_ports_full_scan_every=0: must be at least 1",
          "container_ports_full_scan_every | -3 | Invalid flag"
              + " --container_ports_full_scan_every=-3: must be at least 1",
          "container_ports_full_scan_every | ten | Invalid flag"
              + " --container_ports_full_scan_every=ten: must be a whole number of scans, at least"
              + " 1",
          "socket_source | `  ` | Invalid flag --socket_source=  : a provider name must not be"
              + " blank; omit the flag to choose the best available provider",
          "process_tracker | `` | Invalid flag --process_tracker=: a provider name must not be"
              + " blank",
          "container_ports_policy | `` | Invalid flag --container_ports_policy=: a provider name"
              + " must not be blank",
        })
    void aBadValueNamesTheFlagAndQuotesTheValue(String flag, String value, String expected) {
      FlagException e = assertThrows(FlagException.class, () -> fromFlags(Map.of(flag, value)));
      assertStartsWith(expected, e.getMessage());
      assertEquals(flag, e.flag());
      assertEquals(Optional.of(value), e.value());
    }

    @Test
    void parseErrorsAreKeptAsCauses() {
      assertInstanceOf(
          PortRangesFormatException.class,
          flagError(IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, "[x]").getCause());
      assertInstanceOf(
          ResourcesFormatException.class,
          flagError(IsolatorConfig.RESOURCES, "ports:5").getCause());
      assertInstanceOf(
          NumberFormatException.class,
          flagError(IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, "x").getCause());
    }

    private FlagException flagError(String flag, String value) {
      return assertThrows(FlagException.class, () -> fromFlags(Map.of(flag, value)));
    }

    @Test
    void bothScopeFlagsConflict() {
      FlagException e =
          assertThrows(
              FlagException.class,
              () ->
                  fromFlags(
                      Map.of(
                          IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "true",
                          IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, "[1024-2048]")));
      assertEquals(
          "Flag --container_ports_isolated_range: cannot be combined with"
              + " --check_agent_port_range_only=true; set only one of"
              + " --check_agent_port_range_only and --container_ports_isolated_range",
          e.getMessage());
      assertEquals(IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, e.flag());
      assertEquals(Optional.empty(), e.value());
    }

    @Test
    void flagNamesMustNotStartWithDashes() {
      FlagException e =
          assertThrows(FlagException.class, () -> fromFlags(Map.of("--launcher", "linux")));
      assertEquals(
          "Flag --launcher: give its name without the leading '--' (\"launcher\", not"
              + " \"--launcher\")",
          e.getMessage());
    }

    @Test
    void theFirstBadFlagInNameOrderIsReported() {
      FlagException e =
          assertThrows(
              FlagException.class,
              () ->
                  fromFlags(
                      Map.of(
                          IsolatorConfig.RESOURCES, "bad",
                          IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, "bad")));
      assertEquals(IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, e.flag());
    }
  }

  @Nested
  class BuilderErrors {

    @Test
    void aLauncherOtherThanLinux() {
      assertFlagError(
          () -> IsolatorConfig.builder().launcher("posix").build(),
          IsolatorConfig.LAUNCHER,
          "Invalid flag --launcher=posix: the network/ports isolator needs --launcher=linux");
    }

    @Test
    void aWatchIntervalThatIsNotPositive() {
      assertFlagError(
          () -> IsolatorConfig.builder().watchInterval(Duration.ZERO).build(),
          IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL,
          "Invalid flag --container_ports_watch_interval=0secs: the duration must be positive");
      assertFlagError(
          () -> IsolatorConfig.builder().watchInterval(Duration.ofSeconds(-5)).build(),
          IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL,
          "Invalid flag --container_ports_watch_interval=-5secs: the duration must be positive");
    }

    @Test
    void aFullScanCountBelowOne() {
      assertFlagError(
          () -> IsolatorConfig.builder().fullScanEvery(0).build(),
          IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY,
          "Invalid flag --container_ports_full_scan_every=0: must be at least 1");
    }

    @Test
    void blankProviderNames() {
      assertFlagError(
          () -> IsolatorConfig.builder().socketSourceName(" ").build(),
          IsolatorConfig.SOCKET_SOURCE,
          "Invalid flag --socket_source= : a provider name must not be blank");
      assertFlagError(
          () -> IsolatorConfig.builder().processTrackerName("").build(),
          IsolatorConfig.PROCESS_TRACKER,
          "Invalid flag --process_tracker=: a provider name must not be blank");
      assertFlagError(
          () -> IsolatorConfig.builder().policyName("\t").build(),
          IsolatorConfig.CONTAINER_PORTS_POLICY,
          "Invalid flag --container_ports_policy=\t: a provider name must not be blank");
    }

    @Test
    void bothScopeSettings() {
      assertFlagError(
          () ->
              IsolatorConfig.builder()
                  .checkAgentPortRangeOnly(true)
                  .isolatedRange(PortRanges.range(1, 2))
                  .build(),
          IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE,
          "Flag --container_ports_isolated_range: cannot be combined with"
              + " --check_agent_port_range_only=true");
    }

    private void assertFlagError(Executable build, String flag, String expectedStart) {
      FlagException e = assertThrows(FlagException.class, build);
      assertStartsWith(expectedStart, e.getMessage());
      assertEquals(flag, e.flag());
    }
  }

  @Nested
  class ProviderNamesFromSystemProperties {

    @ParameterizedTest
    @ValueSource(
        strings = {
          IsolatorConfig.SOCKET_SOURCE,
          IsolatorConfig.PROCESS_TRACKER,
          IsolatorConfig.CONTAINER_PORTS_POLICY
        })
    void fallBackToTheSystemPropertyWhenTheFlagIsAbsent(String flag) {
      withSystemProperty(
          "portcullis." + flag,
          " from-property ",
          () -> {
            assertEquals(Optional.of("from-property"), providerName(flag, Map.of()));
            assertEquals(Optional.of("from-flag"), providerName(flag, Map.of(flag, "from-flag")));
            return null;
          });
    }

    @Test
    void theBuilderTakesPrecedenceOverTheSystemProperty() {
      withSystemProperty(
          "portcullis.socket_source",
          "from-property",
          () -> {
            assertEquals(
                Optional.of("from-builder"),
                IsolatorConfig.builder()
                    .socketSourceName("from-builder")
                    .build()
                    .socketSourceName());
            return null;
          });
    }

    @Test
    void aBlankSystemPropertyIsAnError() {
      withSystemProperty(
          "portcullis.process_tracker",
          "  ",
          () -> {
            FlagException e =
                assertThrows(FlagException.class, () -> IsolatorConfig.fromFlags(Map.of()));
            assertEquals(
                "Flag --process_tracker: the system property portcullis.process_tracker is"
                    + " blank; set it to a provider name, or clear it to choose the best"
                    + " available provider",
                e.getMessage());
            assertEquals(IsolatorConfig.PROCESS_TRACKER, e.flag());
            return null;
          });
    }

    @Test
    void noSystemPropertyMeansAutomatic() {
      withSystemProperty(
          "portcullis.container_ports_policy",
          null,
          () -> {
            assertEquals(Optional.empty(), IsolatorConfig.fromFlags(Map.of()).policyName());
            return null;
          });
    }

    private Optional<String> providerName(String flag, Map<String, String> flags) {
      IsolatorConfig config = IsolatorConfig.fromFlags(flags);
      switch (flag) {
        case IsolatorConfig.SOCKET_SOURCE:
          return config.socketSourceName();
        case IsolatorConfig.PROCESS_TRACKER:
          return config.processTrackerName();
        default:
          return config.policyName();
      }
    }

    /** Runs {@code test} with the property set ({@code null}: cleared), then restores it. */
    private void withSystemProperty(String name, String value, Supplier<Void> test) {
      String previous = System.getProperty(name);
      try {
        if (value == null) {
          System.clearProperty(name);
        } else {
          System.setProperty(name, value);
        }
        test.get();
      } finally {
        if (previous == null) {
          System.clearProperty(name);
        } else {
          System.setProperty(name, previous);
        }
      }
    }
  }
}
