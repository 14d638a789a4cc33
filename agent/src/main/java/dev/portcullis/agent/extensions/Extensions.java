package dev.portcullis.agent.extensions;

import dev.portcullis.core.providers.ProviderLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The providers the agent selects from: its own, on its module path, and, with {@code
 * --modules_dir=DIR}, those of the module jars in {@code DIR}, defined in a module layer above the
 * agent's. Loading checks the directory whole before anything is launched: every jar must be an
 * explicit module, named once and not as one of the agent's modules, resolvable, and every provider
 * it declares of the four kinds must construct and answer {@code name()} and {@code order()}.
 */
public final class Extensions {

  private final Optional<ExtensionLayer> extensions;
  private final ModuleLayer agent;

  private Extensions(Optional<ExtensionLayer> extensions, ModuleLayer agent) {
    this.extensions = extensions;
    this.agent = agent;
  }

  /** The agent's own providers alone. */
  public static Extensions none() {
    return new Extensions(Optional.empty(), agentLayer());
  }

  /**
   * The agent's own providers and those of the module jars in {@code dir}.
   *
   * @throws ExtensionException naming the directory or the jar at fault, on one line
   */
  public static Extensions load(Path dir) {
    Objects.requireNonNull(dir, "dir");
    ModuleLayer agent = agentLayer();
    List<ExtensionJar> jars = ModulesDir.jars(dir).stream().map(ExtensionJar::read).toList();
    ExtensionModules modules = ExtensionModules.of(dir, jars, agent.configuration());
    ExtensionLayer layer = ExtensionLayer.define(modules, agent, Extensions.class.getClassLoader());
    ProviderCheck.check(layer);
    return new Extensions(Optional.of(layer), agent);
  }

  /**
   * The layer of the agent's modules: the boot layer, unless a host defined the agent in another.
   */
  private static ModuleLayer agentLayer() {
    ModuleLayer layer = Extensions.class.getModule().getLayer();
    return layer == null ? ModuleLayer.boot() : layer;
  }

  /**
   * Finds the providers: through the extension layer and the agent's when there are extensions, as
   * the agent always has otherwise.
   */
  public ProviderLoader loader() {
    return extensions
        .map(layer -> ProviderLoader.serviceLoader(layer.layer()))
        .orElseGet(ProviderLoader::serviceLoader);
  }

  /** The extension directory; empty when there is none. */
  public Optional<Path> dir() {
    return extensions.map(layer -> layer.modules().dir());
  }

  /**
   * Where the provider class of this name comes from, by the module that holds its package: an
   * extension module first, as the extensions' class loader looks there first, then the agent's.
   *
   * @param className a provider's class name, as a selection reports it
   */
  public ProviderOrigin origin(String className) {
    int dot = className.lastIndexOf('.');
    if (dot < 0) {
      return ProviderOrigin.UNKNOWN;
    }
    String packageName = className.substring(0, dot);
    Stream<Module> ownModules =
        extensions.stream().flatMap(layer -> layer.layer().modules().stream());
    return Stream.concat(ownModules, agent.modules().stream())
        .filter(module -> module.getPackages().contains(packageName))
        .findFirst()
        .map(
            module ->
                new ProviderOrigin(
                    Optional.of(module.getName()),
                    extensions.flatMap(layer -> layer.jarOf(module))))
        .orElse(ProviderOrigin.UNKNOWN);
  }
}
