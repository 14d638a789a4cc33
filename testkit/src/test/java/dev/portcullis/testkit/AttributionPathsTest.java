package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.Violation;
import dev.portcullis.core.ScanMode;
import dev.portcullis.core.ScanReport;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The fast path (by cgroup id) and the exact path (by descriptors) agree whenever sockets were
 * created in their holder's cgroup; where they disagree, the exact path decides and nothing
 * innocent is killed.
 */
class AttributionPathsTest {

  /**
   * Hosts with sockets passed between containers and none outside them: every socket carries a
   * tracked container's cgroup id, so no socket sends the fast path to read descriptors.
   */
  @Provide
  Arbitrary<HostScenario> withTransfers() {
    return PortcullisArbitraries.hostScenarios(true)
        .map(s -> new HostScenario(s.containers(), List.of(), s.transfers()));
  }

  @Property(tries = 400)
  void fastAndExactPathsAgreeWhenSocketsStayInTheirCgroup(@ForAll HostScenario scenario) {
    ScanReport fast = Judgements.judge(scenario, Map.of(), true);
    ScanReport exact = Judgements.judge(scenario, Map.of(), false);
    assertEquals(Judgements.withoutCgroupIds(exact), Judgements.withoutCgroupIds(fast));
    assertEquals(exact.containers(), fast.containers());
    assertTrue(fast.unconfirmed().isEmpty(), "suspects not confirmed: " + fast.unconfirmed());
    Statistics.label("violations").collect(!exact.violations().isEmpty());
    Statistics.label("violations")
        .coverage(coverage -> coverage.check(true).percentage(p -> p >= 20));
  }

  @Property(tries = 400)
  void byHoldersCgroupsTheExactPathJudgesAsByDescriptors(
      @ForAll("withTransfers") HostScenario scenario) {
    ScanReport byDescriptors = Judgements.judgeExactly(scenario, false);
    ScanReport byHolders = Judgements.judgeExactly(scenario, true);
    assertEquals(byDescriptors.violations(), byHolders.violations());
    assertEquals(byDescriptors.containers(), byHolders.containers());
    Statistics.label("violations").collect(!byDescriptors.violations().isEmpty());
    Statistics.label("violations")
        .coverage(coverage -> coverage.check(true).percentage(p -> p >= 20));
  }

  @Property(tries = 400)
  void theExactPathDecidesWhenSocketsCrossCgroups(@ForAll("withTransfers") HostScenario scenario) {
    Map<String, String> flags =
        Map.of(
            IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true",
            IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, "3");
    IsolatorConfig config = IsolatorConfig.fromFlags(flags);
    Set<ContainerId> violators = Set.copyOf(scenario.violators(config.protocols(), config.scope()));
    Set<ContainerId> violatingRoots =
        violators.stream().map(ContainerId::root).collect(Collectors.toSet());
    try (IsolatorHarness harness = IsolatorHarness.builder().config(config).build()) {
      harness.scan(); // scan 1, always a full one, on an empty host
      harness.build(scenario);

      ScanReport fast = harness.scan();
      assertEquals(ScanMode.FAST, fast.mode());
      for (Violation violation : fast.violations()) {
        assertEquals(
            scenario.unallocated(violation.container(), config.protocols(), config.scope()),
            violation.unallocated(),
            "the fast path flagged what the exact path denies");
      }
      assertTrue(
          violatingRoots.containsAll(harness.events().kills().containers()),
          "an innocent root was killed: " + harness.events().kills());

      harness.scans(2); // scan 3 fast, scan 4 full: it finds whatever the fast path missed
      assertEquals(ScanMode.EXACT, harness.lastReport().orElseThrow().mode());
      assertEquals(violatingRoots, harness.events().kills().containers());
      assertEquals(violatingRoots, harness.events().limitations().containers());
    }
    Statistics.label("crosses cgroups").collect(scenario.hasTransfers());
    Statistics.label("crosses cgroups")
        .coverage(coverage -> coverage.check(true).percentage(p -> p >= 20));
  }
}
