package dev.portcullis.core.policy;

import com.google.auto.service.AutoService;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
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
 * @since 0.1
 */
@AutoService(EnforcementPolicy.class)
public final class GracePolicy implements EnforcementPolicy {

  /** The name this policy is selected by. */
  public static final String NAME = "grace";

  /** The setting naming how many consecutive scans must see a violation before a kill. */
  public static final String GRACE_SCANS_SETTING = "container_ports_grace_scans";

  /** The number of scans when the setting is absent. */
  public static final int DEFAULT_GRACE_SCANS = 3;

  private int graceScans = DEFAULT_GRACE_SCANS;

  /** A policy with the default grace; the setting, if given to {@link #initialize}, changes it. */
  public GracePolicy() {}

  /**
   * A policy that kills at the {@code graceScans}-th consecutive sighting, unless the setting,
   * given to {@link #initialize}, says otherwise.
   */
  public GracePolicy(int graceScans) {
    this.graceScans = checkGrace(graceScans);
  }

  private static int checkGrace(int graceScans) {
    if (graceScans < 1) {
      throw new IllegalArgumentException(
          "Setting '" + GRACE_SCANS_SETTING + "' must be at least 1, not " + graceScans);
    }
    return graceScans;
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
    graceScans = checkGrace(settings.getInt(GRACE_SCANS_SETTING, graceScans));
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return Optional.empty();
  }

  /** How many consecutive scans must see a violation before it is killed. */
  public int graceScans() {
    return graceScans;
  }

  @Override
  public Verdict decide(Violation violation, PolicyContext context) {
    if (context.enforcing() && context.consecutiveScans() >= graceScans) {
      return Verdict.kill(violation.message());
    }
    return LogOnce.logUnlessRepeated(violation, context);
  }
}
