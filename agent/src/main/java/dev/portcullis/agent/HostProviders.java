package dev.portcullis.agent;

import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Provider;
import dev.portcullis.api.SocketSource;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelectionException;
import dev.portcullis.core.providers.ProviderSelector;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Selects the providers the agent runs with, from the module path: by the names the flags give
 * ({@code --socket_source}, {@code --process_tracker}, {@code --container_ports_policy}), else the
 * best available. A selection that fails is a start-up failure naming every provider found and why
 * it could not be used.
 */
final class HostProviders {

  private HostProviders() {}

  /** Selects the socket source. */
  static SocketSource socketSource(IsolatorConfig config) {
    return one(SocketSource.class, config.socketSourceName(), config);
  }

  /** Selects the process tracker; its probe creates {@code --cgroups_root} if missing. */
  static ProcessTracker processTracker(IsolatorConfig config) {
    return one(ProcessTracker.class, config.processTrackerName(), config);
  }

  /** Selects the port guard, when {@code --container_ports_guard} names one. */
  static Optional<PortGuard> guard(IsolatorConfig config) {
    if (config.guardName().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        selected(
            IsolatorConfig.CONTAINER_PORTS_GUARD,
            config,
            () -> one(PortGuard.class, config.guardName(), config)));
  }

  /** Selects the enforcement policy. */
  static EnforcementPolicy policy(IsolatorConfig config) {
    return one(EnforcementPolicy.class, config.policyName(), config);
  }

  private static <T extends Provider> T one(
      Class<T> kind, Optional<String> name, IsolatorConfig config) {
    try {
      return ProviderSelector.select(
              kind, name, config.providerSettings(), ProviderLoader.serviceLoader())
          .provider();
    } catch (ProviderSelectionException e) {
      throw new StartupException(e.getMessage().replace('\n', ' '), e);
    }
  }

  /**
   * One provider, selected by {@code selection}; when it fails and {@code flag} named the provider,
   * the error names the flag too.
   */
  static <T extends Provider> T selected(
      String flag, IsolatorConfig config, Supplier<T> selection) {
    try {
      return selection.get();
    } catch (StartupException e) {
      Optional<String> given = config.providerSettings().get(flag);
      if (given.isEmpty()) {
        throw e;
      }
      throw new StartupException(
          "Invalid flag --" + flag + "=" + given.get() + ": " + e.getMessage(), e);
    }
  }
}
