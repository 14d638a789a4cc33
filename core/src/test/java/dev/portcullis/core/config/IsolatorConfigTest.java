package dev.portcullis.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

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
  void aTypedSettingReplacesWhatItsFlagGave() {
    IsolatorConfig config =
        IsolatorConfig.builder()
            .flag(IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, "10secs")
            .flag("cgroups_root", "agents")
            .watchInterval(Duration.ofSeconds(5))
            .build(property -> null);
    assertEquals(Duration.ofSeconds(5), config.watchInterval());
    // The flag's text no longer holds, so it is not handed to the providers either.
    assertEquals(Map.of("cgroups_root", "agents"), config.providerSettings().asMap());
  }

  @Test
  void theDefaultsAreReadFromTheTextTheirFlagsTake() {
    assertEquals(
        IsolatorConfig.DEFAULT_WATCH_INTERVAL,
        fromFlags(
                Map.of(
                    IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL,
                    IsolatorConfig.DEFAULT_WATCH_INTERVAL_TEXT))
            .watchInterval());
    assertEquals(
        IsolatorConfig.DEFAULT_GUARD_MODE,
        fromFlags(
                Map.of(
                    IsolatorConfig.CONTAINER_PORTS_GUARD_MODE,
                    IsolatorConfig.DEFAULT_GUARD_MODE_TEXT))
            .guardMode());
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
}
