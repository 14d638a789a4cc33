package dev.portcullis.testkit;

import com.google.auto.service.AutoService;
import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.PortRanges;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.providers.ArbitraryProvider;
import net.jqwik.api.providers.TypeUsage;

/**
 * Registers the testkit's arbitraries with jqwik, so that {@code @ForAll PortRanges},
 * {@code @ForAll ContainerConfig} and {@code @ForAll HostScenario} just work. Host scenarios from
 * this provider hold every socket in its creating cgroup; ask {@link
 * PortcullisArbitraries#hostScenarios(boolean)} for transfers.
 *
 * @since 0.1
 */
@AutoService(ArbitraryProvider.class)
public final class PortcullisArbitraryProvider implements ArbitraryProvider {

  @Override
  public boolean canProvideFor(TypeUsage targetType) {
    return targetType.isOfType(PortRanges.class)
        || targetType.isOfType(ContainerConfig.class)
        || targetType.isOfType(HostScenario.class);
  }

  @Override
  public Set<Arbitrary<?>> provideFor(TypeUsage targetType, SubtypeProvider subtypeProvider) {
    if (targetType.isOfType(PortRanges.class)) {
      return Set.of(PortcullisArbitraries.portRanges());
    }
    if (targetType.isOfType(ContainerConfig.class)) {
      return Set.of(PortcullisArbitraries.containerConfigs());
    }
    return Set.of(PortcullisArbitraries.hostScenarios());
  }
}
