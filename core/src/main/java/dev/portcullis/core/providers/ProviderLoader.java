package dev.portcullis.core.providers;

import dev.portcullis.api.Provider;
import dev.portcullis.api.Stability;
import java.util.List;
import java.util.Objects;

/**
 * Finds the providers of a kind. The default looks through {@link java.util.ServiceLoader}; tests
 * and embedders hand providers in with {@link #of(Provider...)} instead, or combine both with
 * {@link #concat}.
 *
 * <p>A loader reports what it could not load instead of throwing, so that one broken provider never
 * hides the others. What it finds is core's own business, read by {@link ProviderSelector}: the
 * loaders are the ones made here, and no other can be written.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public abstract class ProviderLoader {

  /** Only this package makes loaders: what they find is its own currency. */
  ProviderLoader() {}

  /**
   * Every provider of {@code kind} that could be found, each either constructed or failed, in the
   * order found. Potentially empty, never null; never throws for a broken provider.
   */
  abstract <T extends Provider> List<LoadedProvider<T>> load(Class<T> kind);

  /**
   * {@return where this loader looks, phrased to complete "no provider was found …", for example
   * {@code on the module path or class path}} Never null or blank.
   */
  public String where() {
    return "by " + getClass().getName();
  }

  /**
   * Providers found through {@link java.util.ServiceLoader} with the thread's context class loader
   * at each load: those a module on the module path {@code provides}, then those a {@code
   * META-INF/services} file on the class path names.
   *
   * <p>Each load constructs fresh instances. On the module path, only the kinds {@code
   * dev.portcullis.core} declares it {@code uses} can be loaded: {@link
   * dev.portcullis.api.SocketSource}, {@link dev.portcullis.api.ProcessTracker}, {@link
   * dev.portcullis.api.EnforcementPolicy} and {@link dev.portcullis.api.PortGuard}; for any other
   * kind the result is one failure saying so.
   *
   * @return a loader that looks on the module path, then on the class path
   */
  public static ProviderLoader serviceLoader() {
    return ServiceDiscovery.withContextClassLoader();
  }

  /**
   * {@return a loader like {@link #serviceLoader()}, but looking through the given class loader and
   * its ancestors, for hosts that load providers from a class loader of their own}
   *
   * @param classLoader the class loader to look through
   */
  public static ProviderLoader serviceLoader(ClassLoader classLoader) {
    return ServiceDiscovery.through(Objects.requireNonNull(classLoader, "classLoader"));
  }

  /**
   * Providers found through {@link java.util.ServiceLoader#load(ModuleLayer, Class)}: those the
   * modules of {@code layer} {@code provide}, then those of its parent layers, the boot layer's
   * (the module path) among them; not those of the class path. This is how a host finds the
   * providers of module jars it loaded into a layer of its own, beside its built-in ones.
   *
   * <p>Each load constructs fresh instances. As with {@link #serviceLoader()}, only the four kinds
   * {@code dev.portcullis.core} {@code uses} can be loaded. {@link #where()} names the layer's
   * modules and the directory their jars are in.
   *
   * @param layer the layer whose modules, then its parents', provide
   * @return a loader looking there
   * @throws NullPointerException if {@code layer} is null
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public static ProviderLoader serviceLoader(ModuleLayer layer) {
    return ServiceDiscovery.in(Objects.requireNonNull(layer, "layer"));
  }

  /**
   * {@return the given instances, without ServiceLoader: each load returns those of the asked kind,
   * in the order given} The instances are shared, not copied, and selection initializes them, so
   * hand a fresh set to each selection.
   *
   * @param providers the instances to hand out
   * @throws NullPointerException if an instance is null
   */
  public static ProviderLoader of(Provider... providers) {
    return of(List.of(providers));
  }

  /**
   * {@return the given instances, without ServiceLoader; see {@link #of(Provider...)}}
   *
   * @param providers the instances to hand out
   * @throws NullPointerException if an instance is null
   */
  public static ProviderLoader of(List<? extends Provider> providers) {
    return new GivenProviders(providers);
  }

  /**
   * {@return what {@code first} finds followed by what {@code second} finds, for example the
   * built-in providers an embedder hands in plus those on the module path}
   *
   * @param first the loader whose providers come first
   * @param second the loader whose providers follow
   */
  public static ProviderLoader concat(ProviderLoader first, ProviderLoader second) {
    return new CombinedProviders(
        Objects.requireNonNull(first, "first"), Objects.requireNonNull(second, "second"));
  }
}
