package dev.portcullis.core.policy;

import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;

/** The Mesos log-once rule, shared by the built-in policies. */
final class LogOnce {

  private LogOnce() {}

  /**
   * Logs a violation unless the same unallocated ports were the last ones logged for the same
   * container; Mesos does the same so that a long-lived violation does not flood the log.
   */
  static Verdict logUnlessRepeated(Violation violation, PolicyContext context) {
    boolean repeated = context.lastLogged().filter(violation.unallocated()::equals).isPresent();
    return repeated ? Verdict.ignore() : Verdict.log(violation.message());
  }
}
