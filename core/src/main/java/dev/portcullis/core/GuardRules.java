package dev.portcullis.core;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.config.GuardMode;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.Objects;

/**
 * Turns a container's allocation into what its port guard allows, by the isolator's scope,
 * protocols and {@link GuardMode}: the guard refuses what a scan would report, and in {@link
 * GuardMode#STRICT} every other named port too.
 *
 * <p>A protocol the isolator does not check (UDP without {@value
 * IsolatorConfig#CONTAINER_PORTS_INCLUDE_UDP}) is not guarded at all.
 */
final class GuardRules {

  private final PortRanges outOfScope;
  private final boolean guardsUdp;
  private final GuardMode mode;

  GuardRules(IsolatorConfig config) {
    this.outOfScope = PortRanges.all().minus(config.scope().orElse(PortRanges.all()));
    this.guardsUdp = config.includeUdp();
    this.mode = config.guardMode();
  }

  /** What a container allocated {@code allocation} may bind; never null. */
  BindAllowance allowance(PortRanges allocation) {
    Objects.requireNonNull(allocation, "allocation");
    BindAllowance.Rule rule =
        mode == GuardMode.STRICT
            ? new BindAllowance.Rule(allocation, outOfScope)
            : new BindAllowance.Rule(allocation.union(outOfScope), PortRanges.empty());
    return BindAllowance.of(rule, guardsUdp ? rule : BindAllowance.Rule.any());
  }
}
