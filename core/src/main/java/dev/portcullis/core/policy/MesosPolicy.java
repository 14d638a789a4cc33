package dev.portcullis.core.policy;

import com.google.auto.service.AutoService;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.Stability;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import java.util.Optional;

/**
 * The behaviour of the Mesos {@code network/ports} isolator, selected as {@value #NAME}: with
 * enforcement on, kill at the first scan that sees a violation; otherwise log each violation once
 * per distinct set of unallocated ports per offending container.
 *
 * <p>The preferred policy when none is named ({@link #order()} is 0).
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
@AutoService(EnforcementPolicy.class)
public final class MesosPolicy implements EnforcementPolicy {

  /** The name this policy is selected by. */
  public static final String NAME = "mesos";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int order() {
    return 0;
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return Optional.empty();
  }

  @Override
  public Verdict decide(Violation violation, PolicyContext context) {
    if (context.enforcing()) {
      return Verdict.kill(violation.message());
    }
    return LogOnce.logUnlessRepeated(violation, context);
  }
}
