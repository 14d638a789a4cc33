package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Violation;
import dev.portcullis.core.ScanMode;
import dev.portcullis.core.ScanReport;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Runs a scenario through the isolator and compares what it flags with the scenario's oracle. */
final class Judgements {

  private Judgements() {}

  /**
   * Builds the scenario on a fresh harness and scans it twice, so that with cgroup ids the second
   * scan takes the fast path (the first scan is always a full, exact one).
   */
  static ScanReport judge(HostScenario scenario, Map<String, String> flags, boolean cgroupIds) {
    try (IsolatorHarness harness =
        IsolatorHarness.builder().flags(flags).cgroupIds(cgroupIds).build()) {
      harness.build(scenario);
      ScanReport first = harness.scan();
      assertEquals(ScanMode.EXACT, first.mode());
      ScanReport second = harness.scan();
      assertEquals(cgroupIds ? ScanMode.FAST : ScanMode.EXACT, second.mode());
      assertEquals(first.violations(), second.violations(), "two scans of one state disagree");
      return second;
    }
  }

  /**
   * Builds the scenario on a fresh harness whose every scan is exact, and scans it twice: by the
   * holders' cgroups when {@code holders}, else by each container's descriptors.
   */
  static ScanReport judgeExactly(HostScenario scenario, boolean holders) {
    Map<String, String> flags = Map.of(IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, "1");
    try (IsolatorHarness harness =
        IsolatorHarness.builder().flags(flags).socketHolders(holders).build()) {
      harness.build(scenario);
      ScanReport first = harness.scan();
      ScanReport second = harness.scan();
      assertEquals(ScanMode.EXACT, second.mode());
      assertEquals(first.violations(), second.violations(), "two scans of one state disagree");
      return second;
    }
  }

  /**
   * The report's violations with the sockets' cgroup ids dropped: a source without cgroup ids
   * reports the same sockets, less that one attribute.
   */
  static List<Violation> withoutCgroupIds(ScanReport report) {
    List<Violation> violations = new ArrayList<>();
    for (Violation violation : report.violations()) {
      List<ListeningSocket> sockets = new ArrayList<>();
      for (ListeningSocket socket : violation.sockets()) {
        sockets.add(ListeningSocket.builder().from(socket).cgroupId(OptionalLong.empty()).build());
      }
      violations.add(Violation.builder().from(violation).sockets(sockets).build());
    }
    return violations;
  }

  /** Unallocated ports per violating container, in report order. */
  static Map<ContainerId, PortRanges> flagged(ScanReport report) {
    Map<ContainerId, PortRanges> flagged = new LinkedHashMap<>();
    for (Violation violation : report.violations()) {
      flagged.put(violation.container(), violation.unallocated());
    }
    return flagged;
  }

  /** What the oracle says must be flagged. */
  static Map<ContainerId, PortRanges> expected(HostScenario scenario, IsolatorConfig config) {
    Map<ContainerId, PortRanges> expected = new LinkedHashMap<>();
    for (ContainerId id : scenario.violators(config.protocols(), config.scope())) {
      expected.put(id, scenario.unallocated(id, config.protocols(), config.scope()));
    }
    return expected;
  }

  /** Asserts the report flags exactly what the oracle says, and nothing outside the scope. */
  static void assertJudgedCorrectly(
      HostScenario scenario, IsolatorConfig config, ScanReport report) {
    assertEquals(expected(scenario, config), flagged(report), () -> "scenario " + scenario);
    Optional<PortRanges> scope = config.scope();
    for (Violation violation : report.violations()) {
      assertTrue(
          scope.map(s -> s.containsAll(violation.listening())).orElse(true),
          "a port outside the scope was considered: " + violation);
    }
  }
}
