package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.KillScope;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.policy.GracePolicy;
import dev.portcullis.core.policy.KillScopeSetting;
import dev.portcullis.core.policy.MesosPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * Kill verdicts of the {@link KillScope#OFFENDER offender} scope: the offending container's tree is
 * killed and limited alone, and its root and siblings go on running and being judged; a container
 * inside one killed in the same scan is not killed twice.
 */
class OffenderKillsTest {

  private static final Map<String, String> ENFORCING =
      Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true");
  private static final ContainerId ROOT = ContainerId.of("executor");
  private static final ContainerId FIRST = ROOT.child("first");
  private static final ContainerId SECOND = ROOT.child("second");

  private static MesosPolicy offenderPolicy() {
    MesosPolicy policy = new MesosPolicy();
    policy.initialize(ProviderSettings.of(Map.of(KillScopeSetting.NAME, "offender")));
    return policy;
  }

  private static IsolatorHarness harness(HostModel host) {
    return IsolatorHarness.builder().host(host).flags(ENFORCING).policy(offenderPolicy()).build();
  }

  @Property(tries = 400)
  void eachOutermostViolatorIsKilledAndLimitedAloneWithEveryPortOfItsTree(
      @ForAll HostScenario scenario, @ForAll boolean cgroupIds) {
    IsolatorConfig config = IsolatorConfig.fromFlags(ENFORCING);
    try (IsolatorHarness harness =
        IsolatorHarness.builder()
            .config(config)
            .policy(offenderPolicy())
            .cgroupIds(cgroupIds)
            .build()) {
      harness.build(scenario);
      harness.scans(3);

      List<ContainerId> violators = scenario.violators(config.protocols(), config.scope());
      Set<ContainerId> outermost =
          violators.stream()
              .filter(
                  v ->
                      violators.stream()
                          .noneMatch(other -> !other.equals(v) && other.isAncestorOrSelfOf(v)))
              .collect(Collectors.toSet());
      for (ContainerId target : outermost) {
        PortRanges expected = PortRanges.empty();
        for (ContainerId violator : violators) {
          if (target.isAncestorOrSelfOf(violator)) {
            expected =
                expected.union(scenario.unallocated(violator, config.protocols(), config.scope()));
          }
        }
        harness.events().limitations().of(target).assertCount(1).assertPorts(expected);
      }
      harness.events().limitations().assertContainers(outermost);
      harness.events().kills().assertContainers(outermost);
      assertEquals(outermost.size(), harness.events().kills().count());
      Statistics.label("a nested container killed alone")
          .collect(outermost.stream().anyMatch(ContainerId::isNested));
    }
  }

  @Test
  void theOffenderDiesAloneAndItsSiblingAndRootGoOnRunningAndBeingJudged() {
    HostModel host = new HostModel();
    try (IsolatorHarness harness = harness(host)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      harness.prepare(FIRST, ContainerConfig.builder().build());
      harness.prepare(SECOND, ContainerConfig.builder().build());
      CompletableFuture<ContainerLimitation> rootWatch =
          harness.isolator().watch(ROOT).toCompletableFuture();
      CompletableFuture<ContainerLimitation> firstWatch =
          harness.isolator().watch(FIRST).toCompletableFuture();
      long offender = harness.listen(FIRST, 31001);
      long sibling = harness.listen(SECOND, 31000);
      long rootProcess = harness.spawn(ROOT);

      List<ContainerLimitation> raised = harness.scan().limitations();

      assertEquals(1, raised.size(), raised::toString);
      ContainerLimitation limitation = raised.get(0);
      assertEquals(FIRST, limitation.container());
      assertEquals(PortRanges.of(31001), limitation.ports());
      assertEquals(
          "Container executor.first is listening on unallocated port(s): [31001-31001]",
          limitation.message());
      assertEquals(limitation, firstWatch.getNow(null));
      assertFalse(rootWatch.isDone(), "the root is not limited");
      assertFalse(host.isAlive(offender));
      assertTrue(host.isAlive(sibling));
      assertTrue(host.isAlive(rootProcess));

      // The sibling is still judged: a violation of its own is killed in turn.
      long late = harness.listen(SECOND, 31002);
      harness.scan();
      harness.events().limitations().of(SECOND).assertCount(1).assertPorts(PortRanges.of(31002));
      assertFalse(host.isAlive(late));
      assertTrue(host.isAlive(rootProcess));
      harness.events().limitations().of(ROOT).assertNone();
      harness.events().limitations().of(FIRST).assertCount(1);
    }
  }

  @Test
  void aLimitedOffenderIsNotJudgedAgainWhileItsOwnerTearsItDown() {
    HostModel host = new HostModel();
    try (IsolatorHarness harness = harness(host)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      harness.prepare(FIRST, ContainerConfig.builder().build());
      harness.listen(FIRST, 31001);
      harness.scan();
      // A process that slipped into the limited container before its owner removed it.
      harness.listen(FIRST, 31003);
      harness.scans(2);
      harness.events().limitations().of(FIRST).assertCount(1).assertPorts(PortRanges.of(31001));
      harness.events().kills().of(FIRST).assertCount(1);
    }
  }

  @Test
  void aRootKillInTheSameScanTakesInTheOffendersKill() {
    EnforcementPolicyStub policy =
        violation ->
            violation.container().isNested()
                ? Verdict.kill(violation.message(), KillScope.OFFENDER)
                : Verdict.kill(violation.message());
    HostModel host = new HostModel();
    try (IsolatorHarness harness =
        IsolatorHarness.builder().host(host).flags(ENFORCING).policy(policy).build()) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      harness.prepare(FIRST, ContainerConfig.builder().build());
      long offender = harness.listen(FIRST, 31001);
      long rootListener = harness.listen(ROOT, 31002);
      harness.scan();
      harness.events().kills().assertContainers(Set.of(ROOT)).assertCount(1);
      harness
          .events()
          .limitations()
          .assertContainers(Set.of(ROOT))
          .assertPorts(PortRanges.of(31001, 31002));
      assertFalse(host.isAlive(offender));
      assertFalse(host.isAlive(rootListener));
    }
  }

  @Test
  void aTopLevelOffenderIsItsOwnRoot() {
    HostModel host = new HostModel();
    try (IsolatorHarness harness = harness(host)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      long violator = harness.listen(ROOT, 31001);
      harness.scan();
      harness.events().limitations().of(ROOT).assertCount(1).assertPorts(PortRanges.of(31001));
      assertFalse(host.isAlive(violator));
    }
  }

  @Test
  void theGracePolicyKillsTheOffenderAloneWhenSetTo() {
    GracePolicy policy = new GracePolicy();
    policy.initialize(
        ProviderSettings.of(
            Map.of(KillScopeSetting.NAME, " Offender ", GracePolicy.GRACE_SCANS_SETTING, "2")));
    assertEquals(KillScope.OFFENDER, policy.killScope());
    HostModel host = new HostModel();
    try (IsolatorHarness harness =
        IsolatorHarness.builder().host(host).flags(ENFORCING).policy(policy).build()) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      harness.prepare(FIRST, ContainerConfig.builder().build());
      long offender = harness.listen(FIRST, 31001);
      long rootProcess = harness.spawn(ROOT);
      harness.scans(2);
      harness.events().limitations().assertContainers(Set.of(FIRST)).assertCount(1);
      assertFalse(host.isAlive(offender));
      assertTrue(host.isAlive(rootProcess));
    }
  }

  /** A stateless policy from a function, for one test's verdicts. */
  @FunctionalInterface
  private interface EnforcementPolicyStub extends dev.portcullis.api.EnforcementPolicy {
    Verdict verdict(Violation violation);

    @Override
    default Verdict decide(Violation violation, PolicyContext context) {
      return verdict(violation);
    }

    @Override
    default String name() {
      return "stub";
    }

    @Override
    default int order() {
      return 0;
    }

    @Override
    default java.util.Optional<Throwable> unavailabilityCause() {
      return java.util.Optional.empty();
    }
  }
}
