package dev.portcullis.agent.extensions;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The modules of an extension directory, checked before the module system resolves them, so that
 * each problem is told with the jar that has it: every module is named once, none is one of the
 * agent's own, and every module a module {@code requires} is either in the directory or one of the
 * agent's.
 */
final class ExtensionModules {

  private final Path dir;
  private final Map<String, ExtensionJar> byName;

  private ExtensionModules(Path dir, Map<String, ExtensionJar> byName) {
    this.dir = dir;
    this.byName = byName;
  }

  /**
   * Checks the jars of {@code dir} against each other and against the modules of {@code agent}.
   *
   * @throws ExtensionException naming the jar, or the two jars, at fault
   */
  static ExtensionModules of(Path dir, List<ExtensionJar> jars, Configuration agent) {
    Map<String, ExtensionJar> byName = new LinkedHashMap<>();
    for (ExtensionJar jar : jars) {
      if (agent.findModule(jar.name()).isPresent()) {
        throw new ExtensionException(
            "Extension jar "
                + jar.path()
                + " holds module "
                + jar.name()
                + ", which is one of the agent's own modules: remove the jar from "
                + dir);
      }
      ExtensionJar first = byName.putIfAbsent(jar.name(), jar);
      if (first != null) {
        throw new ExtensionException(
            "Extension jars "
                + first.path()
                + " and "
                + jar.path()
                + " both hold module "
                + jar.name()
                + ": keep one of them in "
                + dir);
      }
    }
    ExtensionModules modules = new ExtensionModules(dir, byName);
    modules.checkRequires(agent);
    return modules;
  }

  private void checkRequires(Configuration agent) {
    for (ExtensionJar jar : byName.values()) {
      for (ModuleDescriptor.Requires requires : jar.descriptor().requires()) {
        String wanted = requires.name();
        boolean optional = requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC);
        if (!optional && !byName.containsKey(wanted) && agent.findModule(wanted).isEmpty()) {
          throw new ExtensionException(
              "Extension jar "
                  + jar.path()
                  + ": module "
                  + jar.name()
                  + " requires module "
                  + wanted
                  + ", which is neither in "
                  + dir
                  + " nor one of the agent's modules: add the jar that holds it to "
                  + dir);
        }
      }
    }
  }

  /** The directory the jars are in. */
  Path dir() {
    return dir;
  }

  /** Every module's name, in the order of the jars. */
  Set<String> names() {
    return byName.keySet();
  }

  /** Every jar, in name order. */
  List<ExtensionJar> jars() {
    return List.copyOf(byName.values());
  }

  /** The jar that holds the module of this name, if it is one of these. */
  Optional<ExtensionJar> jar(String moduleName) {
    return Optional.ofNullable(byName.get(moduleName));
  }

  /** Finds exactly these modules. */
  ModuleFinder finder() {
    return ModuleFinder.of(byName.values().stream().map(ExtensionJar::path).toArray(Path[]::new));
  }
}
