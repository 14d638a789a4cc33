package dev.portcullis.testkit;

import dev.portcullis.api.PortRanges;
import dev.portcullis.core.ScanReport;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The three scope modes: every port, the agent's range only, and an isolated range. A container is
 * flagged iff it listens, in scope, on a port outside its root's allocation; ports outside the
 * scope are never flagged or logged.
 */
class ScopeModesTest {

  /** Agent resources without ports, with an explicitly empty ports resource, or with ports. */
  @Provide
  Arbitrary<Optional<PortRanges>> agentPorts() {
    return Arbitraries.oneOf(
        Arbitraries.just(Optional.empty()),
        Arbitraries.just(Optional.of(PortRanges.empty())),
        PortcullisArbitraries.portRanges().map(Optional::of));
  }

  private static Map<String, String> flags(boolean udp) {
    Map<String, String> flags = new HashMap<>();
    flags.put(IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP, String.valueOf(udp));
    return flags;
  }

  private static void check(HostScenario scenario, Map<String, String> flags, boolean cgroupIds) {
    IsolatorConfig config = IsolatorConfig.fromFlags(flags);
    ScanReport report = Judgements.judge(scenario, flags, cgroupIds);
    Judgements.assertJudgedCorrectly(scenario, config, report);
    try (IsolatorHarness harness = IsolatorHarness.withFlags(flags)) {
      harness.build(scenario);
      harness.scans(2);
      PortRanges logged = harness.events().logs().ports();
      config
          .scope()
          .ifPresent(
              scope -> {
                if (!scope.containsAll(logged)) {
                  throw new AssertionError("logged ports " + logged + " outside scope " + scope);
                }
              });
    }
  }

  @Property(tries = 300)
  void everyUnallocatedPortIsFlaggedWithoutARange(
      @ForAll HostScenario scenario, @ForAll boolean udp, @ForAll boolean cgroupIds) {
    check(scenario, flags(udp), cgroupIds);
  }

  @Property(tries = 300)
  void rangeOnlyModeFlagsOnlyPortsInsideTheAgentRange(
      @ForAll HostScenario scenario,
      @ForAll("agentPorts") Optional<PortRanges> agentPorts,
      @ForAll boolean udp,
      @ForAll boolean cgroupIds) {
    Map<String, String> flags = flags(udp);
    flags.put(IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "true");
    flags.put(
        IsolatorConfig.RESOURCES,
        "cpus:2;mem:1024" + agentPorts.map(p -> ";ports:" + p).orElse(""));
    PortRanges expectedScope = agentPorts.orElse(PortcullisArbitraries.DEFAULT_AGENT_RANGE);
    if (!IsolatorConfig.fromFlags(flags).scope().equals(Optional.of(expectedScope))) {
      throw new AssertionError("range-only scope is not the agent range " + expectedScope);
    }
    check(scenario, flags, cgroupIds);
  }

  @Property(tries = 300)
  void isolatedRangeModeFlagsOnlyPortsInsideTheRange(
      @ForAll HostScenario scenario,
      @ForAll PortRanges isolated,
      @ForAll boolean udp,
      @ForAll boolean cgroupIds) {
    Map<String, String> flags = flags(udp);
    flags.put(IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, isolated.toString());
    check(scenario, flags, cgroupIds);
  }
}
