package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Nested containers are judged against their root's allocation: a violation anywhere in a tree
 * raises exactly one limitation, on the root, naming every unallocated port of the tree; listening
 * on the root's allocation is fine wherever in the tree it happens.
 */
class NestedContainersTest {

  private static final Map<String, String> ENFORCING =
      Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true");

  @Property(tries = 400)
  void aViolationAnywhereInATreeRaisesOneLimitationOnItsRoot(
      @ForAll HostScenario scenario, @ForAll boolean cgroupIds) {
    IsolatorConfig config = IsolatorConfig.fromFlags(ENFORCING);
    try (IsolatorHarness harness =
        IsolatorHarness.builder().config(config).cgroupIds(cgroupIds).build()) {
      harness.build(scenario);
      harness.scans(3);

      for (HostScenario.ContainerSpec root : scenario.roots()) {
        List<ContainerId> tree =
            scenario.containers().stream()
                .map(HostScenario.ContainerSpec::id)
                .filter(root.id()::isAncestorOrSelfOf)
                .collect(Collectors.toList());
        PortRanges expected = PortRanges.empty();
        for (ContainerId member : tree) {
          expected =
              expected.union(scenario.unallocated(member, config.protocols(), config.scope()));
        }
        IsolatorEvents limitations = harness.events().limitations().of(root.id());
        if (expected.isEmpty()) {
          limitations.assertNone();
          harness.events().kills().of(root.id()).assertNone();
        } else {
          limitations.assertCount(1).assertPorts(expected);
          harness.events().kills().of(root.id()).assertCount(1);
        }
      }
      // Nested containers never receive a limitation or a kill of their own.
      for (IsolatorEvent event : harness.events().limitations().list()) {
        assertTrue(!event.container().isNested(), "limitation on a nested container: " + event);
      }
      for (IsolatorEvent event : harness.events().kills().list()) {
        assertTrue(!event.container().isNested(), "kill of a nested container alone: " + event);
      }
      Statistics.label("nested violators")
          .collect(
              scenario.violators(config.protocols(), config.scope()).stream()
                  .anyMatch(ContainerId::isNested));
    }
  }

  @Property(tries = 200)
  void nestedContainersMayListenOnTheirRootsAllocation(@ForAll PortRanges allocation) {
    if (allocation.isEmpty()) {
      allocation = PortRanges.of(31000);
    }
    ContainerId executor = ContainerId.of("executor");
    ContainerId first = executor.child("task-1");
    ContainerId second = executor.child("task-2");
    try (IsolatorHarness harness = IsolatorHarness.withFlags(ENFORCING)) {
      harness.prepare(executor, dev.portcullis.api.ContainerConfig.withPorts(allocation));
      // Nested containers that carry resources of their own are accepted (Mesos aborted).
      harness.prepare(first, dev.portcullis.api.ContainerConfig.withPorts(PortRanges.of(1)));
      harness.prepare(second, dev.portcullis.api.ContainerConfig.withPorts(PortRanges.empty()));
      int low = allocation.ranges().get(0).begin();
      int high = allocation.ranges().get(allocation.ranges().size() - 1).end();
      harness.listen(first, low);
      harness.listen(second, high);
      harness.scans(2);
      harness.events().violations().assertNone();
      harness.events().kills().assertNone();
    }
  }

  @Property(tries = 1)
  void twoViolatingChildrenMakeOneLimitationWithBothPortsAndBothMessages() {
    ContainerId executor = ContainerId.of("executor");
    ContainerId first = executor.child("a");
    ContainerId second = executor.child("b");
    try (IsolatorHarness harness = IsolatorHarness.withFlags(ENFORCING)) {
      harness.prepare(executor, dev.portcullis.api.ContainerConfig.withPorts(PortRanges.of(80)));
      harness.prepare(first, dev.portcullis.api.ContainerConfig.builder().build());
      harness.prepare(second, dev.portcullis.api.ContainerConfig.builder().build());
      harness.listen(first, 81);
      harness.listen(second, 65535);
      List<ContainerLimitation> limitations = harness.scan().limitations();
      assertEquals(1, limitations.size());
      ContainerLimitation limitation = limitations.get(0);
      assertEquals(executor, limitation.container());
      assertEquals(PortRanges.of(81, 65535), limitation.ports());
      assertEquals(
          "Container executor.a is listening on unallocated port(s): [81-81]; "
              + "Container executor.b is listening on unallocated port(s): [65535-65535]",
          limitation.message());
      assertEquals(ContainerLimitation.REASON, limitation.reason());
      assertEquals(Set.of(executor), harness.events().kills().containers());
      assertTrue(
          harness.host().pids().stream()
              .noneMatch(p -> harness.host().cgroupOf(p).startsWith("/portcullis/executor")));
    }
  }
}
