package dev.portcullis.core.providers;

import dev.portcullis.api.Provider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Providers found through {@link ServiceLoader}, every step guarded: through the thread's context
 * class loader, a given class loader, or in a module layer and its parents.
 *
 * <p>ServiceLoader reports a provider it cannot find, link or construct by throwing from {@code
 * hasNext}, {@code next} or {@code get}, and promises a best effort to go on to the next provider
 * afterwards; each such throw becomes one failed {@link LoadedProvider} and the walk goes on.
 */
final class ServiceDiscovery extends ProviderLoader {

  /**
   * How many failures in a row end the walk. Each failure normally consumes one provider, so this
   * only stops an iterator that fails on the same entry forever; it is far above the number of
   * broken providers a host plausibly has side by side.
   */
  static final int MAX_CONSECUTIVE_FAILURES = 16;

  /**
   * Null for the thread's context class loader, looked up at each load as ServiceLoader does, or
   * when looking in {@link #layer}.
   */
  private final ClassLoader classLoader;

  /** Null unless looking in a module layer and its parents. */
  private final ModuleLayer layer;

  private ServiceDiscovery(ClassLoader classLoader, ModuleLayer layer) {
    this.classLoader = classLoader;
    this.layer = layer;
  }

  /** Through the thread's context class loader at each load. */
  static ServiceDiscovery withContextClassLoader() {
    return new ServiceDiscovery(null, null);
  }

  /** Through {@code classLoader} and its ancestors. */
  static ServiceDiscovery through(ClassLoader classLoader) {
    return new ServiceDiscovery(classLoader, null);
  }

  /** In the modules of {@code layer}, then of its parent layers. */
  static ServiceDiscovery in(ModuleLayer layer) {
    return new ServiceDiscovery(null, layer);
  }

  @Override
  <T extends Provider> List<LoadedProvider<T>> load(Class<T> kind) {
    Iterator<ServiceLoader.Provider<T>> lookups;
    try {
      lookups = serviceLoader(kind).stream().iterator();
    } catch (Throwable failure) {
      // On the module path this is a kind dev.portcullis.core does not declare it `uses`.
      Causes.rethrowIfFatal(failure);
      return List.of(LoadedProvider.failed("ServiceLoader for " + kind.getName(), failure));
    }
    return walk(kind, lookups);
  }

  private <T> ServiceLoader<T> serviceLoader(Class<T> kind) {
    if (layer != null) {
      return ServiceLoader.load(layer, kind);
    }
    return classLoader == null ? ServiceLoader.load(kind) : ServiceLoader.load(kind, classLoader);
  }

  /**
   * Every provider the lookups yield, constructed, or failed with the class name when known. Stops
   * when the lookups end, or after {@link #MAX_CONSECUTIVE_FAILURES} failures in a row.
   */
  static <T extends Provider> List<LoadedProvider<T>> walk(
      Class<T> kind, Iterator<? extends ServiceLoader.Provider<? extends T>> lookups) {
    List<LoadedProvider<T>> found = new ArrayList<>();
    int failuresInARow = 0;
    while (failuresInARow < MAX_CONSECUTIVE_FAILURES) {
      ServiceLoader.Provider<? extends T> lookup;
      try {
        if (!lookups.hasNext()) {
          return List.copyOf(found);
        }
        lookup = lookups.next();
      } catch (Throwable failure) {
        Causes.rethrowIfFatal(failure);
        found.add(LoadedProvider.failed(unnamed(kind), failure));
        failuresInARow++;
        continue;
      }
      LoadedProvider<T> loaded = construct(kind, lookup);
      found.add(loaded);
      failuresInARow = loaded.isLoaded() ? 0 : failuresInARow + 1;
    }
    found.add(
        LoadedProvider.failed(
            "the remaining " + kind.getName() + " providers",
            new ServiceConfigurationError(
                kind.getName()
                    + ": stopped looking for providers after "
                    + MAX_CONSECUTIVE_FAILURES
                    + " failures in a row")));
    return List.copyOf(found);
  }

  private static <T extends Provider> LoadedProvider<T> construct(
      Class<T> kind, ServiceLoader.Provider<? extends T> lookup) {
    String description = unnamed(kind);
    try {
      // type() names the class without constructing it, so a failed get() can still be named.
      description = lookup.type().getName();
      T provider = kind.cast(lookup.get());
      if (provider == null) {
        return LoadedProvider.failed(
            description,
            new ServiceConfigurationError(
                kind.getName() + ": Provider " + description + " was looked up as null"));
      }
      return LoadedProvider.of(provider);
    } catch (Throwable failure) {
      Causes.rethrowIfFatal(failure);
      return LoadedProvider.failed(description, failure);
    }
  }

  private static String unnamed(Class<?> kind) {
    return "a " + kind.getName() + " provider";
  }

  @Override
  public String where() {
    if (layer != null) {
      return LayerWords.where(layer);
    }
    return classLoader == null
        ? "on the module path or class path"
        : "on the module path or class path of " + classLoader;
  }

  @Override
  public String toString() {
    if (layer != null) {
      return "ProviderLoader.serviceLoader(" + layer + ")";
    }
    return classLoader == null
        ? "ProviderLoader.serviceLoader()"
        : "ProviderLoader.serviceLoader(" + classLoader + ")";
  }
}
