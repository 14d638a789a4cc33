package dev.portcullis.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import org.junit.jupiter.api.Test;

class MesosPolicyTest {

  private final MesosPolicy policy = new MesosPolicy();

  private static Violation violation(String container, String listening) {
    return Violation.builder()
        .container(ContainerId.parse(container))
        .allocated(PortRanges.parse("[31000-31005]"))
        .listening(PortRanges.parse(listening))
        .build();
  }

  private static PolicyContext.Builder context(boolean enforcing) {
    return PolicyContext.builder().enforcing(enforcing).scan(1).consecutiveScans(1);
  }

  @Test
  void nameIsMesos() {
    assertEquals("mesos", policy.name());
    assertEquals(MesosPolicy.NAME, policy.name());
  }

  @Test
  void orderIsZeroSoItIsPreferredOverGrace() {
    assertEquals(0, policy.order());
    assertTrue(policy.order() < new GracePolicy().order());
  }

  @Test
  void isAlwaysAvailable() {
    assertTrue(policy.unavailabilityCause().isEmpty());
    assertTrue(policy.isAvailable());
  }

  @Test
  void initializeIgnoresSettings() {
    policy.initialize(ProviderSettings.empty().with("container_ports_grace_scans", "x"));

    Violation v = violation("c", "[80-80]");
    assertEquals(Verdict.kill(v.message()), policy.decide(v, context(true).build()));
  }

  @Test
  void enforcingKillsOnFirstSightWithTheViolationMessage() {
    Violation v = violation("c", "[80-80, 31000-31000]");

    Verdict verdict = policy.decide(v, context(true).build());

    assertEquals(Verdict.Action.KILL, verdict.action());
    assertEquals("Container c is listening on unallocated port(s): [80-80]", verdict.message());
  }

  @Test
  void enforcingKillsEvenWhenTheSamePortsWereLogged() {
    Violation v = violation("c", "[80-80]");

    Verdict verdict =
        policy.decide(
            v, context(true).scan(5).consecutiveScans(3).lastLogged(v.unallocated()).build());

    assertEquals(Verdict.kill(v.message()), verdict);
  }

  @Test
  void enforcingKillsANestedContainerWithItsOwnMessage() {
    Violation v = violation("exec.task", "[8080-8081]");

    Verdict verdict = policy.decide(v, context(true).build());

    assertEquals(
        Verdict.kill("Container exec.task is listening on unallocated port(s): [8080-8081]"),
        verdict);
  }

  @Test
  void notEnforcingLogsOnFirstSight() {
    Violation v = violation("c", "[80-80]");

    Verdict verdict = policy.decide(v, context(false).build());

    assertEquals(Verdict.Action.LOG, verdict.action());
    assertEquals(v.message(), verdict.message());
  }

  @Test
  void notEnforcingIgnoresWhenTheSamePortsWereLastLogged() {
    Violation v = violation("c", "[80-80, 443-443]");

    Verdict verdict =
        policy.decide(
            v,
            context(false).scan(2).consecutiveScans(2).lastLogged(PortRanges.of(443, 80)).build());

    assertEquals(Verdict.ignore(), verdict);
  }

  @Test
  void notEnforcingLogsAgainWhenThePortsDiffer() {
    Violation v = violation("c", "[80-80, 443-443]");

    Verdict verdict =
        policy.decide(v, context(false).scan(2).lastLogged(PortRanges.of(80)).build());

    assertEquals(Verdict.log(v.message()), verdict);
  }

  @Test
  void notEnforcingLogsAgainWhenFewerPortsAreUnallocated() {
    Violation v = violation("c", "[80-80]");

    Verdict verdict =
        policy.decide(v, context(false).scan(3).lastLogged(PortRanges.of(80, 443)).build());

    assertEquals(Verdict.log(v.message()), verdict);
  }

  @Test
  void logOnceComparesUnallocatedPortsNotListeningPorts() {
    // Listening includes an allocated port; only the unallocated [80-80] was logged.
    Violation v = violation("c", "[80-80, 31001-31001]");

    Verdict verdict =
        policy.decide(v, context(false).scan(2).lastLogged(PortRanges.of(80)).build());

    assertEquals(Verdict.ignore(), verdict);
  }

  @Test
  void notEnforcingNeverKillsHoweverLongTheViolationLasts() {
    Violation v = violation("c", "[80-80]");

    Verdict verdict = policy.decide(v, context(false).scan(1000).consecutiveScans(1000).build());

    assertEquals(Verdict.Action.LOG, verdict.action());
  }
}
