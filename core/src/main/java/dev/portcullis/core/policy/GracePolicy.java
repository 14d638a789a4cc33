package dev.portcullis.core.policy;

import com.google.auto.service.AutoService;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.KillScope;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.Stability;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import dev.portcullis.core.config.FlagException;
import java.util.Optional;

/**
 * A forgiving policy, selected as {@value #NAME}: a container is killed only once the same
 * violation has been seen in {@code N} consecutive scans, where {@code N} is the setting {@value
 * #GRACE_SCANS_SETTING} (default {@value #DEFAULT_GRACE_SCANS}). Until then, and whenever
 * enforcement is off, the violation is logged once per distinct set of unallocated ports.
 *
 * <p>Suits tasks that briefly bind a stray port while starting, for example a framework's ephemeral
 * debug listener that is closed a moment later.
 *
 * <p>The count is read and checked in one place, {@link #graceScans(String)}: by {@link
 * #initialize} when the policy is selected, and by a host that checks its flags before selecting (a
 * bad count is then an error even when another policy is chosen).
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
@AutoService(EnforcementPolicy.class)
public final class GracePolicy implements EnforcementPolicy {

  /** The name this policy is selected by. */
  public static final String NAME = "grace";

  /** The setting naming how many consecutive scans must see a violation before a kill. */
  public static final String GRACE_SCANS_SETTING = "container_ports_grace_scans";

  /** The number of scans when the setting is absent. */
  public static final int DEFAULT_GRACE_SCANS = 3;

  private int graceScans = DEFAULT_GRACE_SCANS;
  private KillScope scope = KillScopeSetting.DEFAULT;

  /** A policy with the default grace; the setting, if given to {@link #initialize}, changes it. */
  public GracePolicy() {}

  /**
   * A policy that kills at the {@code graceScans}-th consecutive sighting, unless the setting,
   * given to {@link #initialize}, says otherwise.
   *
   * @param graceScans how many consecutive scans must see a violation before it is killed
   * @throws FlagException naming the setting if {@code graceScans} is below 1
   */
  public GracePolicy(int graceScans) {
    this.graceScans = atLeastOne(graceScans, String.valueOf(graceScans));
  }

  /**
   * Reads a value of the setting {@value #GRACE_SCANS_SETTING}: a whole number of scans, at least
   * 1, with surrounding whitespace ignored.
   *
   * @param value the setting's text
   * @return the number of scans
   * @throws FlagException naming the setting and quoting the value when it is not
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public static int graceScans(String value) {
    int scans;
    try {
      scans = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw FlagException.invalidValue(
          GRACE_SCANS_SETTING, value, "must be a whole number of scans, at least 1", e);
    }
    return atLeastOne(scans, value);
  }

  private static int atLeastOne(int scans, String given) {
    if (scans < 1) {
      throw FlagException.invalidValue(GRACE_SCANS_SETTING, given, "must be at least 1");
    }
    return scans;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int order() {
    return 10;
  }

  @Override
  public void initialize(ProviderSettings settings) {
    graceScans = settings.get(GRACE_SCANS_SETTING).map(GracePolicy::graceScans).orElse(graceScans);
    scope = KillScopeSetting.from(settings);
  }

  /**
   * {@return what this policy's kill verdicts kill: the setting {@value KillScopeSetting#NAME}}
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public KillScope killScope() {
    return scope;
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return Optional.empty();
  }

  /** {@return how many consecutive scans must see a violation before it is killed} */
  public int graceScans() {
    return graceScans;
  }

  @Override
  public Verdict decide(Violation violation, PolicyContext context) {
    if (context.enforcing() && context.consecutiveScans() >= graceScans) {
      return Verdict.kill(violation.message(), scope);
    }
    return LogOnce.logUnlessRepeated(violation, context);
  }
}
