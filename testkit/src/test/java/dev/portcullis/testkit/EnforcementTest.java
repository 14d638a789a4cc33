package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.policy.GracePolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Enforcement: off never kills; on kills exactly the violating roots; the log-once rule logs once
 * per distinct set of unallocated ports; the grace policy waits its N scans.
 */
class EnforcementTest {

  @Property(tries = 300)
  void enforcementOffNeverKills(
      @ForAll HostScenario scenario,
      @ForAll boolean cgroupIds,
      @ForAll @IntRange(min = 1, max = 4) int scans) {
    try (IsolatorHarness harness =
        IsolatorHarness.builder()
            .flags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "false"))
            .cgroupIds(cgroupIds)
            .build()) {
      harness.build(scenario);
      harness.scans(scans);
      harness.events().kills().assertNone();
      harness.events().limitations().assertNone();
      IsolatorConfig config = harness.isolator().config();
      assertEquals(
          Set.copyOf(scenario.violators(config.protocols(), config.scope())),
          harness.events().violations().containers());
    }
  }

  @Property(tries = 300)
  void enforcementOnKillsExactlyTheViolatingRoots(
      @ForAll HostScenario scenario, @ForAll boolean cgroupIds) {
    try (IsolatorHarness harness =
        IsolatorHarness.builder()
            .flags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true"))
            .cgroupIds(cgroupIds)
            .build()) {
      harness.build(scenario);
      harness.scan();
      IsolatorConfig config = harness.isolator().config();
      Set<ContainerId> violatingRoots =
          scenario.violators(config.protocols(), config.scope()).stream()
              .map(ContainerId::root)
              .collect(Collectors.toSet());
      assertEquals(violatingRoots, harness.events().kills().containers());
      assertEquals(violatingRoots, harness.events().limitations().containers());
      for (HostScenario.ContainerSpec root : scenario.roots()) {
        boolean killed = violatingRoots.contains(root.id());
        boolean alive = !harness.tracker().pids(root.id()).isEmpty();
        assertEquals(!killed, alive, "root " + root.id() + " killed=" + killed);
      }
    }
  }

  /** Successive listening states of one container, each a set of ports. */
  @Provide
  Arbitrary<List<PortRanges>> states() {
    Arbitrary<PortRanges> state =
        Arbitraries.integers()
            .between(8000, 8006)
            .set()
            .ofMaxSize(3)
            .map(ports -> PortRanges.of(ports));
    return state.list().ofMinSize(1).ofMaxSize(6);
  }

  @Property(tries = 300)
  void violationsAreLoggedOncePerDistinctSet(
      @ForAll("states") List<PortRanges> states,
      @ForAll @IntRange(min = 1, max = 3) int scansPerState,
      @ForAll boolean cgroupIds) {
    PortRanges allocation = PortRanges.range(8000, 8002);
    ContainerId task = ContainerId.of("task");
    try (IsolatorHarness harness = IsolatorHarness.builder().cgroupIds(cgroupIds).build()) {
      harness.prepare(task, ContainerConfig.withPorts(allocation));
      int expectedLogs = 0;
      PortRanges previous = PortRanges.empty();
      Long pid = null;
      for (PortRanges state : states) {
        if (pid != null) {
          harness.host().exit(pid);
        }
        pid = harness.spawn(task);
        for (int port : state.ports().toArray()) {
          harness.host().listen(pid, port);
        }
        PortRanges unallocated = state.minus(allocation);
        if (!unallocated.isEmpty() && !unallocated.equals(previous)) {
          expectedLogs++;
        }
        previous = unallocated;
        harness.scans(scansPerState);
      }
      harness.events().logs().of(task).assertCount(expectedLogs);
      harness.events().kills().assertNone();
    }
  }

  @Property(tries = 100)
  void gracePolicyKillsAtTheNthConsecutiveScan(
      @ForAll @IntRange(min = 1, max = 6) int grace, @ForAll boolean cgroupIds) {
    ContainerId task = ContainerId.of("task");
    try (IsolatorHarness harness =
        IsolatorHarness.builder()
            .flags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true"))
            .policy(new GracePolicy(grace))
            .cgroupIds(cgroupIds)
            .build()) {
      harness.prepare(task, ContainerConfig.withPorts(PortRanges.of(80)));
      harness.listen(task, 81);
      harness.scans(grace - 1);
      harness.events().kills().assertNone();
      harness.events().logs().assertCount(grace == 1 ? 0 : 1);
      harness.scan();
      harness.events().kills().assertCount(1);
      harness.events().kills().inScan(grace).assertCount(1);
      harness.events().limitations().of(task).assertCount(1).assertPorts(PortRanges.of(81));
    }
  }

  @Property(tries = 100)
  void gracePolicyStartsCountingAfreshWhenTheViolationChanges(
      @ForAll @IntRange(min = 2, max = 5) int grace) {
    ContainerId task = ContainerId.of("task");
    try (IsolatorHarness harness =
        IsolatorHarness.builder()
            .flags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true"))
            .policy(new GracePolicy(grace))
            .build()) {
      harness.prepare(task, ContainerConfig.withPorts(PortRanges.of(80)));
      long pid = harness.listen(task, 81);
      harness.scans(grace - 1);
      harness.host().listen(pid, 82); // a different violation: the count restarts
      harness.scans(grace - 1);
      harness.events().kills().assertNone();
      harness.scan();
      harness.events().kills().assertCount(1);
    }
  }

  @Property(tries = 50)
  void gracePolicyNeverKillsWithEnforcementOff(
      @ForAll @IntRange(min = 1, max = 4) int grace,
      @ForAll @Size(max = 3) List<@IntRange(min = 81, max = 90) Integer> ports) {
    ContainerId task = ContainerId.of("task");
    try (IsolatorHarness harness =
        IsolatorHarness.builder().policy(new GracePolicy(grace)).build()) {
      harness.prepare(task, ContainerConfig.withPorts(PortRanges.of(80)));
      long pid = harness.spawn(task);
      ports.forEach(port -> harness.host().listen(pid, port));
      harness.scans(grace + 2);
      harness.events().kills().assertNone();
      harness.events().logs().assertCount(ports.isEmpty() ? 0 : 1);
    }
  }
}
