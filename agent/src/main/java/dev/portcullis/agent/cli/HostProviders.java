package dev.portcullis.agent.cli;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Provider;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.PortsIsolatorBuilder;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelectionException;
import dev.portcullis.core.providers.ProviderSelector;
import java.util.Objects;
import java.util.Optional;

/**
 * Selects the providers the agent runs with, from the module path and the extension modules of
 * {@code --modules_dir}, as an embedder does: through core's selection, by the names the flags give
 * ({@code --socket_source}, {@code --process_tracker}, {@code --container_ports_policy}, {@code
 * --container_ports_guard}), else the best available. A selection that fails is a {@link
 * StartupException} on one line, naming the flag that chose the provider when one did, and every
 * provider found with why it could not be used.
 */
public final class HostProviders {

  /**
   * The providers a host supervises its tasks with.
   *
   * @param tracker confines every task: creates its cgroup, places and kills its processes
   * @param ports when ports are isolated, the isolator's builder with the configuration and every
   *     provider set, {@code tracker} among them; not built, so that whoever supervises the tasks
   *     adds its own scheduler, clock and scan listeners. Empty when they are not isolated.
   */
  public record Host(ProcessTracker tracker, Optional<PortsIsolatorBuilder> ports) {

    /** Checks for nulls. */
    public Host {
      Objects.requireNonNull(tracker, "tracker");
      Objects.requireNonNull(ports, "ports");
    }
  }

  private HostProviders() {}

  /**
   * The providers for tasks confined in cgroups ({@code --launcher=linux}): with the ports
   * isolator's when {@code --isolation} holds {@value AgentSettings#PORTS_ISOLATOR}, else the
   * process tracker alone. The tracker is selected last, since its probe creates {@code
   * --cgroups_root}.
   *
   * @throws StartupException if a provider cannot be selected
   */
  public static Host select(AgentSettings settings) {
    IsolatorConfig config = settings.config();
    ProviderLoader loader = settings.providers();
    try {
      if (settings.isolatesPorts()) {
        PortsIsolatorBuilder ports = PortsIsolator.builder().config(config).selectProviders(loader);
        return new Host(ports.processTracker().orElseThrow(), Optional.of(ports));
      }
      return new Host(
          ProviderSelector.select(ProcessTracker.class, config, loader).provider(),
          Optional.empty());
    } catch (ProviderSelectionException e) {
      throw startup(e);
    }
  }

  /**
   * The one provider of {@code kind} the flags ask for, for a command that only looks at the host.
   *
   * @param loader finds the providers: see {@link HostFlags#extensions()}
   * @throws StartupException if it cannot be selected
   */
  public static <T extends Provider> T one(
      Class<T> kind, IsolatorConfig config, ProviderLoader loader) {
    try {
      return ProviderSelector.select(kind, config, loader).provider();
    } catch (ProviderSelectionException e) {
      throw startup(e);
    }
  }

  private static StartupException startup(ProviderSelectionException e) {
    // A start-up failure is one line: the selection's listing of providers runs over several.
    return new StartupException(e.getMessage().replace('\n', ' '), e);
  }
}
