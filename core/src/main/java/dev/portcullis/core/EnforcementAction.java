package dev.portcullis.core;

import dev.portcullis.api.Stability;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import java.util.Objects;
import java.util.Optional;

/**
 * What a scan did about one violation.
 *
 * @param violation the violation
 * @param verdict the policy's verdict
 * @param outcome what actually happened
 * @param logged whether the violation was logged by this scan (the log-once rule may skip it)
 * @param detail the failure, for {@link Outcome#KILL_FAILED} and {@link Outcome#POLICY_FAILED}
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record EnforcementAction(
    Violation violation,
    Verdict verdict,
    Outcome outcome,
    boolean logged,
    Optional<String> detail) {

  /**
   * Checks for nulls.
   *
   * @param violation the violation
   * @param verdict the policy's verdict
   * @param outcome what actually happened
   * @param logged whether this scan logged the violation
   * @param detail the failure, for {@link Outcome#KILL_FAILED} and {@link Outcome#POLICY_FAILED}
   */
  public EnforcementAction {
    Objects.requireNonNull(violation, "violation");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * What happened after a verdict.
   *
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
  public enum Outcome {
    /** Nothing: the verdict was to ignore. */
    IGNORED,
    /** The message was logged. */
    LOGGED,
    /** A kill verdict with enforcement off: logged, nothing killed. */
    KILL_SUPPRESSED,
    /**
     * The tree its verdict's scope names (the root's, or the offender's) was killed and the
     * limitation raised on it.
     */
    KILLED,
    /** The kill failed; the limitation was still raised so the owner destroys the container. */
    KILL_FAILED,
    /** The policy threw; the violation was logged instead. */
    POLICY_FAILED
  }
}
