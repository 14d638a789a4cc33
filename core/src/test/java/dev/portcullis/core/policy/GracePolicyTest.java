package dev.portcullis.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import dev.portcullis.core.config.FlagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GracePolicyTest {

  private static final String SETTING = "container_ports_grace_scans";

  private static final Violation VIOLATION =
      Violation.builder()
          .container(ContainerId.parse("exec.task"))
          .allocated(PortRanges.parse("[31000-31005]"))
          .listening(PortRanges.parse("[80-80, 31000-31000]"))
          .build();

  private static final String MESSAGE =
      "Container exec.task is listening on unallocated port(s): [80-80]";

  private static PolicyContext context(boolean enforcing, int consecutiveScans) {
    return PolicyContext.builder()
        .enforcing(enforcing)
        .scan(consecutiveScans)
        .consecutiveScans(consecutiveScans)
        .build();
  }

  private static PolicyContext loggedContext(boolean enforcing, int consecutiveScans) {
    return PolicyContext.builder()
        .enforcing(enforcing)
        .scan(consecutiveScans)
        .consecutiveScans(consecutiveScans)
        .lastLogged(VIOLATION.unallocated())
        .build();
  }

  private static GracePolicy initialized(String value) {
    GracePolicy policy = new GracePolicy();
    policy.initialize(ProviderSettings.empty().with(SETTING, value));
    return policy;
  }

  // -------------------------------------------------------- name and order

  @Test
  void nameIsGrace() {
    assertEquals("grace", new GracePolicy().name());
    assertEquals(GracePolicy.NAME, new GracePolicy().name());
  }

  @Test
  void orderIsTenBehindMesos() {
    assertEquals(10, new GracePolicy().order());
    assertTrue(new MesosPolicy().order() < new GracePolicy().order());
  }

  @Test
  void isAlwaysAvailable() {
    assertTrue(new GracePolicy().unavailabilityCause().isEmpty());
  }

  @Test
  void settingNameIsTheDocumentedFlag() {
    assertEquals(SETTING, GracePolicy.GRACE_SCANS_SETTING);
  }

  // --------------------------------------------------------------- decide

  @Test
  void logsOnFirstSightWhileEnforcing() {
    Verdict verdict = new GracePolicy(3).decide(VIOLATION, context(true, 1));

    assertEquals(Verdict.log(MESSAGE), verdict);
  }

  @Test
  void ignoresTheSecondSightOfTheSamePortsWhileEnforcing() {
    Verdict verdict = new GracePolicy(3).decide(VIOLATION, loggedContext(true, 2));

    assertEquals(Verdict.ignore(), verdict);
  }

  @Test
  void killsAtTheThirdConsecutiveScanWhileEnforcing() {
    Verdict verdict = new GracePolicy(3).decide(VIOLATION, loggedContext(true, 3));

    assertEquals(Verdict.kill(MESSAGE), verdict);
  }

  @Test
  void killsPastTheGraceWhileEnforcing() {
    assertEquals(
        Verdict.Action.KILL, new GracePolicy(3).decide(VIOLATION, context(true, 10)).action());
  }

  @Test
  void logsAtTheThirdScanWhenNotEnforcingAndNothingWasLogged() {
    assertEquals(Verdict.log(MESSAGE), new GracePolicy(3).decide(VIOLATION, context(false, 3)));
  }

  @Test
  void neverKillsWhenNotEnforcing() {
    assertEquals(Verdict.ignore(), new GracePolicy(3).decide(VIOLATION, loggedContext(false, 50)));
  }

  @Test
  void logsAgainWhenThePortsDifferFromTheLastLogged() {
    PolicyContext context =
        PolicyContext.builder()
            .enforcing(true)
            .scan(4)
            .consecutiveScans(1)
            .lastLogged(PortRanges.of(443))
            .build();

    assertEquals(Verdict.log(MESSAGE), new GracePolicy(3).decide(VIOLATION, context));
  }

  @Test
  void graceOfOneKillsOnFirstSight() {
    assertEquals(Verdict.kill(MESSAGE), new GracePolicy(1).decide(VIOLATION, context(true, 1)));
  }

  @Test
  void walksThroughLogIgnoreKillOverThreeScans() {
    GracePolicy policy = new GracePolicy(3);

    assertEquals(Verdict.Action.LOG, policy.decide(VIOLATION, context(true, 1)).action());
    assertEquals(Verdict.Action.IGNORE, policy.decide(VIOLATION, loggedContext(true, 2)).action());
    assertEquals(Verdict.Action.KILL, policy.decide(VIOLATION, loggedContext(true, 3)).action());
  }

  // ----------------------------------------------------------- initialize

  @Test
  void defaultGraceIsThree() {
    assertEquals(3, GracePolicy.DEFAULT_GRACE_SCANS);
    assertEquals(3, new GracePolicy().graceScans());
  }

  @Test
  void initializeWithoutTheSettingKeepsTheDefault() {
    GracePolicy policy = new GracePolicy();
    policy.initialize(ProviderSettings.empty());

    assertEquals(3, policy.graceScans());
  }

  @Test
  void initializeReadsTheSetting() {
    GracePolicy policy = initialized("5");

    assertEquals(5, policy.graceScans());
    assertEquals(Verdict.ignore(), policy.decide(VIOLATION, loggedContext(true, 4)));
    assertEquals(Verdict.kill(MESSAGE), policy.decide(VIOLATION, loggedContext(true, 5)));
  }

  @Test
  void initializeAcceptsOne() {
    assertEquals(1, initialized("1").graceScans());
  }

  @Test
  void initializeWithoutTheSettingKeepsAGraceGivenToTheConstructor() {
    GracePolicy policy = new GracePolicy(7);
    policy.initialize(ProviderSettings.empty());

    assertEquals(7, policy.graceScans());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "-100"})
  void initializeRejectsZeroAndNegativeNamingTheSetting(String value) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> initialized(value));

    assertTrue(e.getMessage().contains(SETTING), e.getMessage());
    assertTrue(e.getMessage().contains(value), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"three", "2.5", "", "3scans"})
  void initializeRejectsNonNumbersNamingTheSetting(String value) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> initialized(value));

    assertEquals(
        "Invalid flag --" + SETTING + "=" + value + ": must be a whole number of scans, at least 1",
        e.getMessage());
  }

  /** The one reading of the count, which a host also calls to check its flags early. */
  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", " 0 "})
  void theCountMustBeAtLeastOneWhereverItIsRead(String value) {
    FlagException e = assertThrows(FlagException.class, () -> GracePolicy.graceScans(value));

    assertEquals(
        "Invalid flag --" + SETTING + "=" + value + ": must be at least 1", e.getMessage());
    assertEquals(SETTING, e.flag());
    assertEquals(4, GracePolicy.graceScans(" 4 "));
  }

  @Test
  void failedInitializeKeepsThePreviousGrace() {
    GracePolicy policy = new GracePolicy(4);

    assertThrows(
        IllegalArgumentException.class,
        () -> policy.initialize(ProviderSettings.empty().with(SETTING, "0")));
    assertEquals(4, policy.graceScans());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void constructorRejectsZeroAndNegative(int grace) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new GracePolicy(grace));

    assertTrue(e.getMessage().contains(SETTING), e.getMessage());
  }
}
