package dev.portcullis.agent.extensions;

import dev.portcullis.api.Provider;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Constructs every provider the extension modules declare, of each {@link ProviderKind}, and asks
 * its {@code name()} and {@code order()}, once at start-up: an extension that would fail when the
 * agent selects it fails before anything is launched, naming its jar and class, instead of being
 * reported as one more provider that failed to load. Initializing and probing stay with the
 * selection, as for the built-in providers.
 *
 * <p>A jar that provides none of the four kinds and that no other extension module requires is
 * loaded but never used: that is logged as a warning, not refused, since a directory may hold the
 * libraries its providers need.
 */
final class ProviderCheck {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderCheck.class);

  private static final Set<String> KINDS =
      Arrays.stream(ProviderKind.values())
          .map(kind -> kind.type().getName())
          .collect(Collectors.toUnmodifiableSet());

  private ProviderCheck() {}

  /**
   * Checks every provider of the layer's own modules; the agent's are not constructed.
   *
   * @throws ExtensionException naming the jar and the provider class, and what it threw
   */
  static void check(ExtensionLayer extensions) {
    for (ProviderKind kind : ProviderKind.values()) {
      check(extensions, kind);
    }
    warnOfUnusedJars(extensions.modules());
  }

  private static void check(ExtensionLayer extensions, ProviderKind kind) {
    Iterator<? extends ServiceLoader.Provider<? extends Provider>> lookups =
        ServiceLoader.load(extensions.layer(), kind.type()).stream().iterator();
    while (true) {
      ServiceLoader.Provider<? extends Provider> lookup;
      try {
        if (!lookups.hasNext()) {
          return;
        }
        lookup = lookups.next();
      } catch (ServiceConfigurationError e) {
        // The lookup failed before it could say which class: only the directory can be named.
        throw new ExtensionException(
            "A "
                + kind.label()
                + " provider of the modules in "
                + extensions.modules().dir()
                + " cannot be loaded: "
                + Failures.describe(e),
            e);
      }
      Class<?> type = lookup.type();
      Path jar = extensions.jarOf(type.getModule()).orElse(null);
      if (jar != null) {
        check(kind, jar, type.getName(), lookup);
      }
    }
  }

  private static void check(
      ProviderKind kind,
      Path jar,
      String className,
      ServiceLoader.Provider<? extends Provider> lookup) {
    String what = "Extension jar " + jar + ": the " + kind.label() + " provider " + className;
    Provider provider;
    try {
      provider = lookup.get();
    } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
      throw new ExtensionException(what + " cannot be constructed: " + Failures.describe(e), e);
    }
    String name;
    try {
      name = provider.name();
    } catch (RuntimeException | LinkageError e) {
      throw new ExtensionException(what + " failed in name(): " + Failures.describe(e), e);
    }
    if (name == null || name.isBlank()) {
      throw new ExtensionException(
          what
              + " has no name: name() returned "
              + (name == null ? "null" : "'" + name + "'")
              + "; every provider needs a unique, non-blank name");
    }
    try {
      provider.order();
    } catch (RuntimeException | LinkageError e) {
      throw new ExtensionException(
          what + " ('" + name + "') failed in order(): " + Failures.describe(e), e);
    }
  }

  private static void warnOfUnusedJars(ExtensionModules modules) {
    Set<String> required =
        modules.jars().stream()
            .flatMap(jar -> jar.descriptor().requires().stream())
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toSet());
    for (ExtensionJar jar : modules.jars()) {
      boolean provides =
          jar.descriptor().provides().stream().anyMatch(p -> KINDS.contains(p.service()));
      if (!provides && !required.contains(jar.name())) {
        LOG.warn(
            "Extension jar {} (module {}) provides no socket source, process tracker, enforcement"
                + " policy or port guard, and no other extension module requires it: it is loaded"
                + " but unused",
            jar.path(),
            jar.name());
      }
    }
  }
}
