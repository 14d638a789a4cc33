package dev.portcullis.agent.extensions;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The modules of an extension directory, resolved and defined as one module layer above the
 * agent's, with one class loader whose parent is the agent's: the extensions read the agent's
 * modules (the api among them), and service lookups in the layer find their providers beside the
 * built-in ones.
 */
final class ExtensionLayer {

  private final ExtensionModules modules;
  private final ModuleLayer layer;

  private ExtensionLayer(ExtensionModules modules, ModuleLayer layer) {
    this.modules = modules;
    this.layer = layer;
  }

  /**
   * Resolves every module of {@code modules} as a root, against the modules of {@code agent}, and
   * defines them.
   *
   * @throws ExtensionException naming the directory if the module system refuses the modules as a
   *     whole, for example two that hold the same package
   */
  static ExtensionLayer define(ExtensionModules modules, ModuleLayer agent, ClassLoader parent) {
    Configuration configuration;
    try {
      configuration =
          agent
              .configuration()
              .resolveAndBind(modules.finder(), ModuleFinder.of(), modules.names());
    } catch (ResolutionException e) {
      throw new ExtensionException(
          "The modules in " + modules.dir() + " cannot be resolved: " + Failures.describe(e), e);
    }
    try {
      return new ExtensionLayer(modules, agent.defineModulesWithOneLoader(configuration, parent));
    } catch (LayerInstantiationException e) {
      throw new ExtensionException(
          "The modules in " + modules.dir() + " cannot be defined: " + Failures.describe(e), e);
    }
  }

  /** The layer of the extension modules; its parent is the agent's layer. */
  ModuleLayer layer() {
    return layer;
  }

  /** The modules, as their jars hold them. */
  ExtensionModules modules() {
    return modules;
  }

  /** The jar a module of this layer came from; empty for a module of another layer. */
  Optional<Path> jarOf(Module module) {
    if (module.getLayer() != layer) {
      return Optional.empty();
    }
    return modules.jar(module.getName()).map(ExtensionJar::path);
  }
}
