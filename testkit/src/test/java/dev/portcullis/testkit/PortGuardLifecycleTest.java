package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import dev.portcullis.core.PortGuardException;
import dev.portcullis.core.RecoveredContainer;
import dev.portcullis.core.ScanReport;
import dev.portcullis.core.config.IsolatorConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The isolator drives its port guard through the container lifecycle: installed before the first
 * process joins, kept in step with updates, re-found and repaired after a restart, removed at
 * cleanup; nested containers share their root's guard and ignored ones get none.
 */
class PortGuardLifecycleTest {

  private static final ContainerId ROOT = ContainerId.of("executor");
  private static final ContainerId TASK = ROOT.child("task");
  private static final Map<String, String> ENFORCING =
      Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true");

  private static IsolatorHarness guarded(Map<String, String> flags) {
    return guarded(flags, new FakePortGuard.State(), new HostModel());
  }

  private static IsolatorHarness guarded(
      Map<String, String> flags, FakePortGuard.State state, HostModel host) {
    return IsolatorHarness.builder().host(host).flags(flags).guard(state).build();
  }

  private static FakePortGuard guardOf(IsolatorHarness harness) {
    return harness.guard().orElseThrow();
  }

  @Test
  void aRootIsGuardedBeforeItsFirstProcessAndItsNestedContainersShareTheGuard() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      harness.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(9999)));
      FakePortGuard guard = guardOf(harness);
      assertEquals(1, guard.calls().size(), "only the root gets a guard: " + guard.calls());
      FakePortGuard.Call install = guard.calls().get(0);
      assertEquals(FakePortGuard.Operation.INSTALL, install.operation());
      assertEquals(ROOT, install.container());
      assertEquals(0, install.processesPresent());
      assertTrue(harness.tryListen(TASK, 31000).isPresent());
      assertTrue(harness.tryListen(TASK, 31001).isEmpty(), "the root's guard covers the task");
      assertTrue(
          harness.tryListen(TASK, 9999).isEmpty(), "a nested container's own ports count not");
    }
  }

  @Test
  void aContainerOnANamedNetworkIsNotGuarded() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      harness.prepare(ROOT, ContainerConfig.builder().addNetworks("cni-net").build());
      assertEquals(List.of(), guardOf(harness).calls());
      assertTrue(harness.tryListen(ROOT, 4242).isPresent());
    }
  }

  @Test
  void anUpdateChangesWhatTheGuardAllowsAndTheNextBindSeesIt() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      assertTrue(harness.tryListen(ROOT, 31001).isEmpty());
      harness.update(ROOT, PortRanges.of(31001));
      assertTrue(harness.tryListen(ROOT, 31001).isPresent());
      assertTrue(harness.tryListen(ROOT, 31000).isEmpty());
      assertEquals(FakePortGuard.Operation.UPDATE, guardOf(harness).calls().get(1).operation());
    }
  }

  @Test
  void cleanupRemovesTheGuard() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      harness.prepare(TASK, ContainerConfig.builder().build());
      harness.cleanup(TASK);
      assertEquals(1, guardOf(harness).guards().size(), "a nested cleanup keeps the root's guard");
      harness.cleanup(ROOT);
      assertEquals(Map.of(), guardOf(harness).guards());
    }
  }

  @Test
  void aGuardThatCannotBeInstalledFailsThePreparation() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      guardOf(harness).failNext(new IOException("bpf(BPF_PROG_LOAD) failed: EPERM"));
      PortGuardException error =
          assertThrows(
              PortGuardException.class,
              () -> harness.isolator().prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(1))));
      assertEquals(ROOT, error.container());
      assertTrue(error.getMessage().contains("EPERM"), error.getMessage());
      assertEquals(List.of(), harness.isolator().trackedContainers(), "nothing is tracked");
      // The same container can be prepared again once the guard works.
      harness.isolator().prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(1)));
    }
  }

  @Test
  void aFailedGuardUpdateIsReportedAndTheOldAllowanceStays() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      guardOf(harness).failNext(new IOException("no map"));
      assertThrows(PortGuardException.class, () -> harness.update(ROOT, PortRanges.of(31001)));
      assertTrue(harness.tryListen(ROOT, 31000).isPresent());
    }
  }

  @Test
  void afterARestartAGuardInPlaceIsKeptAndAMissingOrWrongOneIsRepaired() {
    HostModel host = new HostModel();
    FakePortGuard.State state = new FakePortGuard.State();
    ContainerId intact = ContainerId.of("intact");
    ContainerId missing = ContainerId.of("missing");
    ContainerId wrong = ContainerId.of("wrong");
    ContainerId broken = ContainerId.of("broken");
    ContainerId unknown = ContainerId.of("unknown");
    try (IsolatorHarness before = guarded(ENFORCING, state, host)) {
      for (ContainerId id : List.of(intact, missing, wrong, broken, unknown)) {
        before.prepare(id, ContainerConfig.withPorts(PortRanges.of(31000)));
      }
      FakePortGuard guard = guardOf(before);
      guard.forget(missing);
      guard.tamper(wrong, BindAllowance.any());
      guard.damage(broken);
    }
    try (IsolatorHarness after = guarded(ENFORCING, state, host)) {
      List<RecoveredContainer> recovered = new java.util.ArrayList<>();
      for (ContainerId id : List.of(intact, missing, wrong, broken)) {
        recovered.add(
            RecoveredContainer.known(id, ContainerConfig.withPorts(PortRanges.of(31000))));
      }
      recovered.add(RecoveredContainer.unknown(unknown));
      after.recover(recovered);
      FakePortGuard guard = guardOf(after);
      List<ContainerId> reinstalled =
          guard.calls().stream()
              .filter(c -> c.operation() == FakePortGuard.Operation.INSTALL)
              .map(FakePortGuard.Call::container)
              .sorted(java.util.Comparator.comparing(ContainerId::toString))
              .toList();
      assertEquals(List.of(broken, missing, wrong), reinstalled);
      BindAllowance expected = guard.guards().get(intact);
      for (ContainerId id : List.of(missing, wrong, broken, unknown)) {
        assertEquals(expected, guard.guards().get(id), id.toString());
      }
      // The guard of a container whose allocation is not known yet follows its first update.
      after.update(unknown, PortRanges.of(31005));
      assertTrue(after.tryListen(unknown, 31005).isPresent());
      assertTrue(after.tryListen(unknown, 31000).isEmpty());
    }
  }

  @Test
  void aRecoveredContainerWithoutAGuardOrAllocationIsGuardedAtItsFirstUpdate() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      harness.recover(List.of(RecoveredContainer.unknown(ROOT)));
      assertEquals(Map.of(), guardOf(harness).guards());
      harness.update(ROOT, PortRanges.of(31000));
      assertEquals(FakePortGuard.Operation.INSTALL, guardOf(harness).calls().get(0).operation());
      assertTrue(harness.tryListen(ROOT, 31001).isEmpty());
    }
  }

  @Test
  void eachScanReportsWhatEveryGuardRefusedSoFar() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      assertEquals(Map.of(ROOT, GuardRefusals.none()), harness.scan().guardRefusals());
      harness.tryListen(ROOT, 31001);
      harness.tryListen(ROOT, 31002);
      harness.tryListen(ROOT, 31001);
      ScanReport report = harness.scan();
      assertEquals(
          new GuardRefusals(3, PortRanges.of(31001, 31002)), report.guardRefusals().get(ROOT));
      assertTrue(report.violations().isEmpty(), "a refused bind leaves nothing to kill");
      harness.events().limitations().assertNone();
    }
  }

  @Test
  void aListenerTheGuardStoppedIsLimitedOnItsRootWhenEnforcing() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      harness.prepare(TASK, ContainerConfig.builder().build());
      long sibling = harness.spawn(TASK);
      assertFalse(guardOf(harness).listenUnbound(TASK, harness.spawn(TASK), 40000));
      ScanReport report = harness.scan();
      assertEquals(
          new GuardRefusals(0, 1, PortRanges.empty(), PortRanges.of(40000)),
          report.guardRefusals().get(ROOT));
      assertEquals(1, report.limitations().size(), report::toString);
      harness.events().limitations().of(ROOT).assertCount(1).assertPorts(PortRanges.of(40000));
      assertTrue(
          report.limitations().get(0).message().contains("its port guard stopped the listener"),
          report.limitations().get(0)::message);
      assertFalse(harness.host().isAlive(sibling), "the root's whole tree is killed");
      // Seen once: the next scan raises nothing more.
      assertEquals(List.of(), harness.scan().limitations());
    }
  }

  @Test
  void withEnforcementOffAStoppedListenerIsOnlyLogged() {
    try (IsolatorHarness harness = guarded(Map.of())) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      long sibling = harness.spawn(ROOT);
      guardOf(harness).listenUnbound(ROOT, harness.spawn(ROOT), 40000);
      assertEquals(List.of(), harness.scan().limitations());
      harness.events().limitations().assertNone();
      assertTrue(harness.host().isAlive(sibling));
    }
  }

  @Test
  void checkGuardsActsOnAStoppedListenerWithoutAScanAndAnAllowedPickListens() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      assertTrue(guardOf(harness).listenUnbound(ROOT, harness.spawn(ROOT), 31000));
      assertEquals(Map.of(ROOT, GuardRefusals.none()), harness.isolator().checkGuards());
      harness.events().limitations().assertNone();
      guardOf(harness).listenUnbound(ROOT, harness.spawn(ROOT), 45000);
      assertEquals(1, harness.isolator().checkGuards().get(ROOT).listeners());
      ContainerLimitation raised =
          harness.isolator().watch(ROOT).toCompletableFuture().getNow(null);
      assertEquals(PortRanges.of(45000), raised.ports());
      assertEquals(ROOT, raised.container());
    }
  }

  @Test
  void withoutAGuardScansReportNoRefusals() {
    try (IsolatorHarness harness = IsolatorHarness.withFlags(ENFORCING)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      assertEquals(Map.of(), harness.scan().guardRefusals());
      assertEquals(Optional.empty(), harness.isolator().guardName());
    }
  }

  /**
   * In scope mode the guard refuses exactly what a scan would flag: whatever a container manages to
   * listen on is never a violation, and every port it was refused would have been one.
   */
  @Property(tries = 200)
  void inScopeModeAnAllowedListenerIsNeverAViolation(
      @ForAll HostScenario scenario,
      @ForAll("portLists") List<Integer> attempts,
      @ForAll boolean rangeOnly) {
    Map<String, String> flags = new java.util.HashMap<>(ENFORCING);
    if (rangeOnly) {
      flags.put(IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "true");
    }
    IsolatorConfig config = IsolatorConfig.fromFlags(flags);
    PortRanges scope = config.scope().orElse(PortRanges.all());
    try (IsolatorHarness harness = guarded(flags)) {
      for (HostScenario.ContainerSpec spec : scenario.inPreparationOrder()) {
        harness.prepare(spec.id(), spec.config());
      }
      for (HostScenario.ContainerSpec spec : scenario.inPreparationOrder()) {
        ContainerId id = spec.id();
        if (spec.config().onNamedNetwork() || isIgnored(scenario, id)) {
          continue;
        }
        PortRanges allocation = scenario.spec(id.root()).config().ports();
        for (int port : attempts) {
          boolean listened = harness.tryListen(id, port).isPresent();
          boolean flagged = scope.contains(port) && !allocation.contains(port);
          assertEquals(!flagged, listened, id + " port " + port);
        }
      }
      ScanReport report = harness.scan();
      assertEquals(List.of(), report.violations());
    }
  }

  private static boolean isIgnored(HostScenario scenario, ContainerId id) {
    for (ContainerId ancestor : id.lineage()) {
      if (scenario.spec(ancestor).config().onNamedNetwork()) {
        return true;
      }
    }
    return false;
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<List<Integer>> portLists() {
    return net.jqwik.api.Arbitraries.oneOf(
            PortcullisArbitraries.ports(),
            net.jqwik.api.Arbitraries.integers().between(31000, 32000))
        .filter(port -> port > 0)
        .list()
        .ofMaxSize(6);
  }

  /**
   * What the guard allows follows the mode, the scope and the protocols: in scope mode a named port
   * is refused iff a scan would flag it; in strict mode every unallocated named port is refused,
   * and in both the kernel's pick for port 0 is refused iff it is in scope and not allocated.
   */
  @Property(tries = 300)
  void theAllowanceFollowsModeScopeAndProtocols(
      @ForAll PortRanges allocation,
      @ForAll("scopes") Optional<PortRanges> isolated,
      @ForAll boolean strict,
      @ForAll boolean udp,
      @ForAll("portLists") List<Integer> ports) {
    Map<String, String> flags = new java.util.HashMap<>(ENFORCING);
    isolated.ifPresent(
        range -> flags.put(IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, range.toString()));
    flags.put(IsolatorConfig.CONTAINER_PORTS_GUARD_MODE, strict ? "strict" : "scope");
    flags.put(IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP, String.valueOf(udp));
    PortRanges scope = isolated.orElse(PortRanges.all());
    try (IsolatorHarness harness = guarded(flags)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(allocation));
      BindAllowance allowance = guardOf(harness).guards().get(ROOT);
      for (int port : ports) {
        boolean allocated = allocation.contains(port);
        boolean flagged = scope.contains(port) && !allocated;
        BindAllowance.Rule tcp = allowance.rule(Protocol.TCP);
        assertEquals(strict ? allocated : !flagged, tcp.allowsNamed(port), "named " + port);
        assertEquals(!flagged, tcp.allowsPicked(port), "picked " + port);
        assertEquals(udp ? tcp : BindAllowance.Rule.any(), allowance.rule(Protocol.UDP));
      }
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Optional<PortRanges>> scopes() {
    return net.jqwik.api.Arbitraries.oneOf(
        net.jqwik.api.Arbitraries.just(Optional.empty()),
        PortcullisArbitraries.portRanges().map(Optional::of));
  }

  @Test
  void udpIsGuardedOnlyWithIncludeUdp() {
    try (IsolatorHarness harness = guarded(ENFORCING)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      assertTrue(guardOf(harness).bind(ROOT, Protocol.UDP, 5353, 0));
    }
    Map<String, String> flags =
        Map.of(
            IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true",
            IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP, "true");
    try (IsolatorHarness harness = guarded(flags)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      assertFalse(guardOf(harness).bind(ROOT, Protocol.UDP, 5353, 0));
      assertTrue(guardOf(harness).bind(ROOT, Protocol.UDP, 31000, 0));
    }
  }
}
