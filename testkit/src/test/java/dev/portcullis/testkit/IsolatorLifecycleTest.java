package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.ContainerObservation.Status;
import dev.portcullis.core.RecoveredContainer;
import dev.portcullis.core.ScanReport;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The Mesos isolator lifecycle, without its bugs. */
class IsolatorLifecycleTest {

  private static final Map<String, String> ENFORCING =
      Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true");
  private static final ContainerId ROOT = ContainerId.of("executor");
  private static final ContainerId TASK = ROOT.child("task");

  private static ContainerConfig ports(int... ports) {
    return ContainerConfig.withPorts(PortRanges.of(ports));
  }

  private static ContainerConfig onNetwork(String network) {
    return ContainerConfig.builder().addNetworks(network).build();
  }

  @Test
  void watchingAnUnknownContainerFails() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(Map.of())) {
      CompletableFuture<ContainerLimitation> watch =
          harness.isolator().watch(ROOT).toCompletableFuture();
      CompletionException failure = assertThrows(CompletionException.class, watch::join);
      assertInstanceOf(IllegalArgumentException.class, failure.getCause());
      assertTrue(failure.getCause().getMessage().contains("executor"));
    }
  }

  @Test
  void aRootsWatchCompletesWithTheLimitationWhenItIsKilled() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(ENFORCING)) {
      harness.prepare(ROOT, ports(8080));
      CompletableFuture<ContainerLimitation> watch =
          harness.isolator().watch(ROOT).toCompletableFuture();
      harness.listen(ROOT, 8080);
      harness.scan();
      assertFalse(watch.isDone());
      harness.listen(ROOT, 9090);
      harness.scan();
      ContainerLimitation limitation = watch.join();
      assertEquals(ROOT, limitation.container());
      assertEquals(PortRanges.of(9090), limitation.ports());
      assertEquals(
          "Container executor is listening on unallocated port(s): [9090-9090]",
          limitation.message());
      assertEquals("REASON_CONTAINER_LIMITATION", limitation.reason());
      assertTrue(harness.tracker().pids(ROOT).isEmpty(), "the killed tree has processes");
    }
  }

  @Test
  void containersOnANamedNetworkAreIgnoredAndTheirWatchNeverCompletes() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(ENFORCING)) {
      harness.prepare(ROOT, onNetwork("overlay"));
      harness.prepare(TASK, ports());
      CompletableFuture<ContainerLimitation> rootWatch =
          harness.isolator().watch(ROOT).toCompletableFuture();
      CompletableFuture<ContainerLimitation> taskWatch =
          harness.isolator().watch(TASK).toCompletableFuture();
      harness.listen(ROOT, 9090);
      harness.listen(TASK, 9091);
      ScanReport report = harness.scan();
      assertEquals(Status.IGNORED, report.observation(ROOT).orElseThrow().status());
      assertEquals(Status.IGNORED, report.observation(TASK).orElseThrow().status());
      assertFalse(rootWatch.isDone() || taskWatch.isDone(), "an ignored container's watch ended");
      harness.events().violations().assertNone();
      harness.events().kills().assertNone();
      harness.update(ROOT, PortRanges.empty()); // changes nothing, fails nothing
      harness.scan();
      harness.events().kills().assertNone();
    }
  }

  @Test
  void aNestedContainersWatchNeverCompletesItsRootIsLimited() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(ENFORCING)) {
      harness.prepare(ROOT, ports(80));
      harness.prepare(TASK, ports(81));
      CompletableFuture<ContainerLimitation> taskWatch =
          harness.isolator().watch(TASK).toCompletableFuture();
      harness.listen(TASK, 81); // the nested container's own ports do not count
      harness.scan();
      assertFalse(taskWatch.isDone());
      harness.events().limitations().of(ROOT).assertCount(1).assertPorts(PortRanges.of(81));
      harness.events().violations().of(TASK).assertCount(1);
      assertEquals(Status.LIMITED, harness.scan().observation(TASK).orElseThrow().status());
    }
  }

  @Test
  void cleanupCancelsPendingWatchesAndForgetsTheWholeTree() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(ENFORCING)) {
      harness.prepare(ROOT, ports(80));
      harness.prepare(TASK, ports());
      CompletableFuture<ContainerLimitation> watch =
          harness.isolator().watch(ROOT).toCompletableFuture();
      harness.cleanup(ROOT);
      assertTrue(watch.isCancelled());
      assertEquals(List.of(), harness.isolator().trackedContainers());
      harness.listen(TASK, 81);
      harness.scan();
      harness.events().violations().assertNone();
      harness.cleanup(ContainerId.of("never-seen")); // not an error
    }
  }

  @Test
  void preparingTwiceOrWithoutTheParentIsRefused() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(Map.of())) {
      IllegalStateException orphan =
          assertThrows(
              IllegalStateException.class, () -> harness.isolator().prepare(TASK, ports()));
      assertEquals(
          "Cannot prepare nested container executor.task: its parent executor is not prepared",
          orphan.getMessage());
      harness.prepare(ROOT, ports());
      IllegalStateException twice =
          assertThrows(
              IllegalStateException.class, () -> harness.isolator().prepare(ROOT, ports()));
      assertEquals("Container executor is already prepared", twice.getMessage());
    }
  }

  @Test
  void aContainerRecoveredWithItsAllocationIsEnforcedFromTheFirstScan() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(ENFORCING)) {
      harness.recover(
          List.of(
              RecoveredContainer.known(TASK, ports()), RecoveredContainer.known(ROOT, ports(80))));
      harness.listen(TASK, 81);
      harness.scan();
      harness
          .events()
          .limitations()
          .of(ROOT)
          .inScan(1)
          .assertCount(1)
          .assertPorts(PortRanges.of(81));
    }
  }

  @Test
  void aContainerRecoveredWithoutAllocationWaitsForItsUpdate() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(ENFORCING)) {
      harness.recover(List.of(RecoveredContainer.unknown(ROOT)));
      harness.listen(ROOT, 81);
      ScanReport before = harness.scan();
      assertEquals(Status.AWAITING_ALLOCATION, before.observation(ROOT).orElseThrow().status());
      harness.events().violations().assertNone();
      harness.update(ROOT, PortRanges.of(80));
      harness.scan();
      harness
          .events()
          .limitations()
          .of(ROOT)
          .inScan(2)
          .assertCount(1)
          .assertPorts(PortRanges.of(81));
    }
  }

  @Test
  void anInvalidRecoveryRecoversNothing() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(Map.of())) {
      ContainerId orphan = ContainerId.of("gone").child("task");
      List<RecoveredContainer> states =
          List.of(RecoveredContainer.known(ROOT, ports()), RecoveredContainer.unknown(orphan));
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> harness.isolator().recover(states));
      assertTrue(error.getMessage().contains("gone.task"), error.getMessage());
      assertEquals(List.of(), harness.isolator().trackedContainers());
    }
  }

  @Test
  void anUpdateReplacesTheAllocationAndNoPortsMeansNone() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(Map.of())) {
      harness.prepare(ROOT, ports(80));
      harness.listen(ROOT, 80);
      harness.scan();
      harness.events().violations().assertNone();
      harness.update(ROOT, PortRanges.empty());
      harness.scan();
      harness.events().violations().inScan(2).assertCount(1).assertPorts(PortRanges.of(80));
      harness.events().logs().assertCount(1);
      harness.update(ROOT, PortRanges.of(80, 81));
      harness.scan();
      harness.events().violations().inScan(3).assertNone();
    }
  }

  @Test
  void anUpdateStartsTheLogOnceMemoryAfresh() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(Map.of())) {
      harness.prepare(ROOT, ports(80));
      harness.listen(ROOT, 81);
      harness.scans(3);
      harness.events().logs().assertCount(1);
      harness.update(ROOT, PortRanges.of(79));
      harness.scans(2);
      harness.events().logs().assertCount(2);
    }
  }

  @Test
  void updatingAnUnknownContainerIsRefused() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(Map.of())) {
      IllegalArgumentException error =
          assertThrows(
              IllegalArgumentException.class,
              () -> harness.isolator().update(ROOT, PortRanges.empty()));
      assertEquals("Cannot update unknown container executor", error.getMessage());
    }
  }

  @Test
  void aViolationNamesTheOffendingSocketsAndTheProcessesHoldingThem() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(Map.of())) {
      harness.prepare(ROOT, ports(80));
      long parent = harness.spawn(ROOT);
      long inode = harness.host().listen(parent, 65535).inode();
      long child = harness.host().fork(parent);
      harness.host().listen(parent, 80);
      ScanReport report = harness.scan();
      var violation = report.violation(ROOT).orElseThrow();
      assertEquals(PortRanges.of(80, 65535), violation.listening());
      assertEquals(PortRanges.of(65535), violation.unallocated());
      assertEquals(1, violation.sockets().size());
      assertEquals(inode, violation.sockets().get(0).inode());
      assertEquals(java.util.Set.of(parent, child), violation.pids());
    }
  }
}
