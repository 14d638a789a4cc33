package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.SocketHolders;
import dev.portcullis.api.SocketSource;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import dev.portcullis.core.EnforcementAction.Outcome;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.RecoveredContainer;
import dev.portcullis.core.ScanFailedException;
import dev.portcullis.core.ScanMode;
import dev.portcullis.core.ScanReport;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.policy.MesosPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scheduling, failures and races around a scan. */
class ScanningTest {

  private static final ContainerId TASK = ContainerId.of("task");

  @Test
  void theFirstScanRunsOneIntervalAfterStartThenAtAFixedDelay() {
    try (IsolatorHarness harness =
        IsolatorHarness.withFlags(Map.of(IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, "500ms"))) {
      harness.isolator().start();
      ManualScanScheduler scheduler = harness.scheduler();
      assertEquals(Optional.of(Duration.ofMillis(500)), scheduler.initialDelay());
      assertEquals(Optional.of(Duration.ofMillis(500)), scheduler.delay());
      assertEquals(0, scheduler.advance(Duration.ofMillis(499)));
      assertEquals(1, scheduler.advance(Duration.ofMillis(1)));
      assertEquals(2, scheduler.advance(Duration.ofMillis(1000)));
      assertEquals(3, harness.reports().size());
      assertThrows(IllegalStateException.class, () -> harness.isolator().start());
      harness.isolator().close();
      assertFalse(scheduler.hasActiveScans());
    }
  }

  @Test
  void aFailedScanIsLoggedAndTheNextOneRuns() {
    try (IsolatorHarness harness =
        IsolatorHarness.withFlags(
            Map.of(
                IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, "1secs",
                IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true"))) {
      harness.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      harness.listen(TASK, 81);
      harness.socketSource().failNextSnapshot(new IOException("netlink said EBUSY"));
      harness.isolator().start();
      assertEquals(1, harness.scheduler().advance(Duration.ofSeconds(1)));
      assertTrue(harness.reports().isEmpty(), "a failed scan produced a report");
      harness.events().kills().assertNone();
      assertEquals(1, harness.scheduler().advance(Duration.ofSeconds(1)));
      harness.events().kills().of(TASK).assertCount(1);
    }
  }

  @Test
  void reconcileOnceReportsAFailedSnapshot() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(Map.of())) {
      harness.socketSource().failNextSnapshot(new IOException("no netlink here"));
      ScanFailedException failure = assertThrows(ScanFailedException.class, harness::scan);
      assertEquals(
          "Could not list listening sockets with socket source 'testkit': no netlink here",
          failure.getMessage());
      assertEquals(2, harness.scan().scan());
    }
  }

  @Test
  void aSocketCreatedBeforeItsProcessJoinedSendsTheFastPathToReadDescriptors() throws IOException {
    try (IsolatorHarness harness =
        IsolatorHarness.withFlags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true"))) {
      harness.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      harness.scan(); // scan 1: full, nothing to see
      long pid = harness.host().spawn("/");
      harness.host().listen(pid, 81); // created in the root cgroup: no container's id
      harness.tracker().place(TASK, pid);
      ScanReport second = harness.scan();
      assertEquals(ScanMode.EXACT, second.mode());
      harness
          .events()
          .limitations()
          .of(TASK)
          .inScan(2)
          .assertCount(1)
          .assertPorts(PortRanges.of(81));
      assertFalse(harness.host().isAlive(pid));
    }
  }

  @Test
  void aSocketOfAContainerAwaitingItsAllocationIsNotMistakenForTheHosts() throws IOException {
    try (IsolatorHarness harness =
        IsolatorHarness.withFlags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true"))) {
      harness.recover(List.of(RecoveredContainer.unknown(TASK)));
      long pid = harness.host().spawn("/");
      harness.host().listen(pid, 81); // created outside, carried in: no container's cgroup id
      harness.tracker().place(TASK, pid);
      harness.scan(); // scan 1: full, but the task is not judged until its allocation is known
      harness.events().violations().assertNone();
      harness.update(TASK, PortRanges.of(80));
      ScanReport second = harness.scan();
      assertEquals(ScanMode.EXACT, second.mode()); // the socket was never explained as the host's
      harness
          .events()
          .limitations()
          .of(TASK)
          .inScan(2)
          .assertCount(1)
          .assertPorts(PortRanges.of(81));
    }
  }

  @Test
  void theHostsOwnListenersAreExplainedOnceAndTheFastPathStays() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(Map.of())) {
      harness.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      harness.host().createCgroup("/system.slice/sshd");
      harness.host().listen(harness.host().spawn("/system.slice/sshd"), 22);
      harness.listen(TASK, 80);
      assertEquals(ScanMode.EXACT, harness.scan().mode()); // scan 1 is always full
      assertEquals(ScanMode.FAST, harness.scan().mode()); // port 22 is the host's: explained
      harness.host().listen(harness.host().spawn("/system.slice/sshd"), 2222);
      assertEquals(ScanMode.EXACT, harness.scan().mode()); // a new socket nobody explains yet
      assertEquals(ScanMode.FAST, harness.scan().mode());
      harness.events().violations().assertNone();
    }
  }

  @Test
  void fastScansWalkAContainersCgroupsOnceUntilASocketNamesACgroupNeverSeen() {
    try (IsolatorHarness harness =
        IsolatorHarness.withFlags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true"))) {
      harness.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      harness.listen(TASK, 80);
      harness.scan(); // full
      harness.scan(); // fast: walks the task's subtree
      long walks = harness.tracker().cgroupIdWalks();
      assertEquals(ScanMode.FAST, harness.scan().mode());
      assertEquals(ScanMode.FAST, harness.scan().mode());
      assertEquals(walks, harness.tracker().cgroupIdWalks(), "unchanged subtrees walked again");

      // A cgroup the task makes in its own subtree after the walk: its socket names an id no
      // walk has seen, so the next scan walks again and finds it the task's.
      String inner = harness.tracker().cgroupOf(TASK) + "/worker";
      harness.host().createCgroup(inner);
      harness.host().listen(harness.host().spawn(inner), 81);
      ScanReport report = harness.scan();
      assertEquals(ScanMode.FAST, report.mode());
      assertEquals(List.of(TASK), report.violations().stream().map(v -> v.container()).toList());
      assertTrue(harness.tracker().cgroupIdWalks() > walks);
    }
  }

  @Test
  void aCgroupSeenOutsideEveryContainerIsAttributedOnceAContainerIsJudgedOverIt() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(Map.of())) {
      harness.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      harness.listen(TASK, 80);
      ContainerId other = ContainerId.of("other");
      String otherCgroup = harness.tracker().cgroupOf(other);
      // The cgroup exists, and listens, before its container is tracked: the host's, for now.
      harness.host().createCgroup(otherCgroup);
      harness.host().listen(harness.host().spawn(otherCgroup), 90);
      harness.scan(); // full: port 90 is explained as held by no container
      assertEquals(ScanMode.FAST, harness.scan().mode());
      harness.prepare(other, ContainerConfig.withPorts(PortRanges.of(91)));
      ScanReport report = harness.scan();
      assertEquals(ScanMode.FAST, report.mode());
      assertEquals(List.of(other), report.violations().stream().map(v -> v.container()).toList());
    }
  }

  @Test
  void aSuspectTheExactPathClearsIsReportedAndNotKilled() {
    try (IsolatorHarness harness =
        IsolatorHarness.withFlags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true"))) {
      harness.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      harness.scan();
      long inside = harness.spawn(TASK);
      long inode = harness.host().listen(inside, 81).inode();
      harness.host().createCgroup("/system.slice/proxy");
      long outside = harness.host().spawn("/system.slice/proxy");
      harness.host().pass(inode, outside);
      harness.host().close(inside, inode);
      ScanReport report = harness.scan();
      assertEquals(ScanMode.FAST, report.mode());
      assertEquals(List.of(TASK), report.unconfirmed());
      assertTrue(report.violations().isEmpty());
      harness.events().kills().assertNone();
      assertTrue(harness.host().isAlive(inside));
    }
  }

  @Test
  void aThrowingPolicyIsLoggedAndNothingIsKilled() {
    EnforcementPolicy broken =
        new EnforcementPolicy() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public Optional<Throwable> unavailabilityCause() {
            return Optional.empty();
          }

          @Override
          public Verdict decide(Violation violation, PolicyContext context) {
            throw new IllegalStateException("policy bug");
          }
        };
    try (IsolatorHarness harness =
        IsolatorHarness.builder()
            .flags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true"))
            .policy(broken)
            .build()) {
      harness.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      harness.listen(TASK, 81);
      ScanReport report = harness.scan();
      assertEquals(Outcome.POLICY_FAILED, report.actions().get(0).outcome());
      harness.events().logs().assertCount(1);
      harness.events().kills().assertNone();
    }
  }

  @Test
  void aFailedKillStillRaisesTheLimitation() throws IOException {
    HostModel host = new HostModel();
    FakeProcessTracker fake = new FakeProcessTracker(host);
    ProcessTracker unkillable = new KillFailingTracker(fake);
    List<ScanReport> reports = new ArrayList<>();
    try (PortsIsolator isolator =
        PortsIsolator.builder()
            .config(
                IsolatorConfig.fromFlags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true")))
            .socketSource(new FakeSocketSource(host, true))
            .processTracker(unkillable)
            .policy(new MesosPolicy())
            .scheduler(new ManualScanScheduler())
            .onScan(reports::add)
            .build()) {
      fake.create(TASK);
      isolator.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      host.listen(host.spawn(fake.cgroupOf(TASK)), 81);
      var watch = isolator.watch(TASK).toCompletableFuture();
      ScanReport report = isolator.reconcileOnce();
      assertEquals(Outcome.KILL_FAILED, report.actions().get(0).outcome());
      assertEquals(Optional.of("freezer stuck"), report.actions().get(0).detail());
      assertEquals(PortRanges.of(81), watch.join().ports());
      assertEquals(List.of(report), reports);
    }
  }

  @Test
  void anAllocationUpdatedDuringAScanIsNotJudgedAgainstItsStaleValue() {
    HostModel host = new HostModel();
    FakeProcessTracker tracker = new FakeProcessTracker(host);
    PortsIsolator[] isolator = new PortsIsolator[1];
    SocketSource racing =
        new ForwardingSource(new FakeSocketSource(host, true)) {
          @Override
          public List<ListeningSocket> listeningSockets(Set<Protocol> protocols)
              throws IOException {
            // The scheduler grants port 81 and the task binds it while this scan is under way.
            isolator[0].update(TASK, PortRanges.of(80, 81));
            return delegate.listeningSockets(protocols);
          }
        };
    try (PortsIsolator built =
        PortsIsolator.builder()
            .config(
                IsolatorConfig.fromFlags(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true")))
            .socketSource(racing)
            .processTracker(tracker)
            .policy(new MesosPolicy())
            .scheduler(new ManualScanScheduler())
            .build()) {
      isolator[0] = built;
      host.createCgroup(tracker.cgroupOf(TASK));
      built.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      long pid = host.spawn(tracker.cgroupOf(TASK));
      host.listen(pid, 81);
      ScanReport report = built.reconcileOnce();
      assertEquals(Outcome.IGNORED, report.actions().get(0).outcome());
      assertTrue(report.limitations().isEmpty());
      assertTrue(host.isAlive(pid));
      assertTrue(built.reconcileOnce().violations().isEmpty());
    }
  }

  @Test
  void aSourceThatFailsToReadHoldersIsReadByDescriptorsFromThenOn() {
    HostModel host = new HostModel();
    FakeProcessTracker tracker = new FakeProcessTracker(host);
    int[] holderReads = {0};
    SocketSource failing =
        new ForwardingSource(new FakeSocketSource(host, true, true)) {
          @Override
          public Optional<SocketHolders> socketHolders() throws IOException {
            holderReads[0]++;
            throw new IOException("the iterator is gone");
          }
        };
    try (PortsIsolator isolator =
        PortsIsolator.builder()
            .config(
                IsolatorConfig.fromFlags(
                    Map.of(IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, "1")))
            .socketSource(failing)
            .processTracker(tracker)
            .policy(new MesosPolicy())
            .scheduler(new ManualScanScheduler())
            .build()) {
      host.createCgroup(tracker.cgroupOf(TASK));
      isolator.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      long pid = host.spawn(tracker.cgroupOf(TASK));
      host.listen(pid, 81);
      for (int scan = 0; scan < 3; scan++) {
        ScanReport report = isolator.reconcileOnce();
        assertEquals(ScanMode.EXACT, report.mode());
        assertEquals(1, report.violations().size());
        assertEquals(PortRanges.of(81), report.violations().get(0).unallocated());
        assertEquals(Set.of(pid), report.violations().get(0).pids());
      }
      assertEquals(1, holderReads[0], "a source that failed once is not asked again");
    }
  }

  /** Delegates to a fake tracker but cannot kill. */
  private static final class KillFailingTracker extends ForwardingTracker {

    KillFailingTracker(FakeProcessTracker delegate) {
      super(delegate);
    }

    @Override
    public String name() {
      return "unkillable";
    }

    @Override
    public void kill(ContainerId container) throws IOException {
      throw new IOException("freezer stuck");
    }
  }
}
