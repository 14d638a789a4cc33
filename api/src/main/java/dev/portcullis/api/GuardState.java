package dev.portcullis.api;

import java.util.Objects;

/**
 * A guard found in place on a container's cgroup, as {@link PortGuard#find} reads it back from the
 * host: what it allows, whether all of it is there, and what it refused.
 *
 * @param allowance what the guard allows now
 * @param complete whether every part the provider installs is in place exactly once; a guard that
 *     is not complete refuses less than it should and must be installed again
 * @param refusals what the guard has refused since it was installed
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record GuardState(BindAllowance allowance, boolean complete, GuardRefusals refusals) {

  /**
   * Checks that nothing is null.
   *
   * @param allowance what the guard allows now
   * @param complete whether every part the provider installs is in place exactly once
   * @param refusals what the guard has refused since it was installed
   */
  public GuardState {
    Objects.requireNonNull(allowance, "allowance");
    Objects.requireNonNull(refusals, "refusals");
  }
}
