package dev.portcullis.core.policy;

import com.google.auto.service.AutoService;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.KillScope;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.Stability;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import java.util.Optional;

/**
 * The behaviour of the Mesos {@code network/ports} isolator, selected as {@value #NAME}: with
 * enforcement on, kill at the first scan that sees a violation; otherwise log each violation once
 * per distinct set of unallocated ports per offending container.
 *
 * <p>The preferred policy when none is named ({@link #order()} is 0). What a kill kills is the
 * setting {@value KillScopeSetting#NAME}: the root, as Mesos does, unless it says {@code offender}.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
@AutoService(EnforcementPolicy.class)
public final class MesosPolicy implements EnforcementPolicy {

  /** The name this policy is selected by. */
  public static final String NAME = "mesos";

  private KillScope scope = KillScopeSetting.DEFAULT;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int order() {
    return 0;
  }

  /**
   * Reads the setting {@value KillScopeSetting#NAME}.
   *
   * @param settings the host's settings
   * @throws dev.portcullis.core.config.FlagException naming the setting if it is not a scope
   */
  @Override
  public void initialize(ProviderSettings settings) {
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

  @Override
  public Verdict decide(Violation violation, PolicyContext context) {
    if (context.enforcing()) {
      return Verdict.kill(violation.message(), scope);
    }
    return LogOnce.logUnlessRepeated(violation, context);
  }
}
