package dev.portcullis.bench;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelector;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.util.Map;
import java.util.Optional;

/** The {@code bpf} guard and the {@code cgroups-v2} tracker the guard benchmarks work with. */
record GuardedHost(PortGuard guard, ProcessTracker tracker) {

  /** Both providers, selected by name, over the scratch cgroup root. */
  static GuardedHost under(ScratchCgroups scratch) {
    ProviderSettings settings = ProviderSettings.of(Map.of("cgroups_root", scratch.name()));
    ProviderLoader loader = ProviderLoader.serviceLoader();
    return new GuardedHost(
        ProviderSelector.select(PortGuard.class, Optional.of("bpf"), settings, loader).provider(),
        ProviderSelector.select(ProcessTracker.class, Optional.of("cgroups-v2"), settings, loader)
            .provider());
  }

  /** TCP and UDP binds allowed on {@code ports} alone. */
  static BindAllowance allowing(PortRanges ports) {
    BindAllowance.Rule rule = new BindAllowance.Rule(ports, PortRanges.empty());
    return BindAllowance.of(rule, rule);
  }
}
