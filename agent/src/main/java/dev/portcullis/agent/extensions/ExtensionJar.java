package dev.portcullis.agent.extensions;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/**
 * One jar of an extension directory, read as an explicit module: the module its {@code
 * module-info.class} declares.
 *
 * @param path the jar
 * @param reference the module in it, as a {@link ModuleFinder} finds it
 */
record ExtensionJar(Path path, ModuleReference reference) {

  /**
   * Reads the module in {@code jar}.
   *
   * @throws ExtensionException if the jar is no module (a jar without {@code module-info.class},
   *     which the module system would take for an automatic module), or cannot be read as one
   */
  static ExtensionJar read(Path jar) {
    List<ModuleReference> found;
    try {
      found = List.copyOf(ModuleFinder.of(jar).findAll());
    } catch (FindException e) {
      if (!hasModuleInfo(jar)) {
        throw notAModule(jar);
      }
      throw new ExtensionException(
          "Extension jar " + jar + " cannot be read as a module: " + Failures.describe(e), e);
    }
    if (found.size() != 1) {
      // A regular file ending in .jar is one module or a FindException: anything else is a bug.
      throw new IllegalStateException(jar + " holds " + found.size() + " modules");
    }
    ModuleReference reference = found.get(0);
    if (reference.descriptor().isAutomatic()) {
      throw notAModule(jar);
    }
    return new ExtensionJar(jar, reference);
  }

  /** The module's name. */
  String name() {
    return descriptor().name();
  }

  ModuleDescriptor descriptor() {
    return reference.descriptor();
  }

  private static ExtensionException notAModule(Path jar) {
    return new ExtensionException(
        "Extension jar "
            + jar
            + " is not a module: it has no module-info.class. Build it as a module whose"
            + " module-info requires dev.portcullis.api and declares provides for one of"
            + " dev.portcullis.api.SocketSource, ProcessTracker, EnforcementPolicy or PortGuard");
  }

  /** Whether the jar has a module descriptor, at its root or for this runtime's version. */
  private static boolean hasModuleInfo(Path jar) {
    try (JarFile file = new JarFile(jar.toFile(), false, ZipFile.OPEN_READ, Runtime.version())) {
      return file.getJarEntry("module-info.class") != null;
    } catch (IOException e) {
      throw new ExtensionException(
          "Extension jar " + jar + " cannot be read: " + Failures.describe(e), e);
    }
  }
}
