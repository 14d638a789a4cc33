package dev.portcullis.core.providers;

import dev.portcullis.api.Provider;
import java.util.List;

/** The providers an embedder or a test handed in, filtered by kind on each load. */
final class GivenProviders extends ProviderLoader {

  private final List<Provider> providers;

  GivenProviders(List<? extends Provider> providers) {
    this.providers = List.copyOf(providers);
  }

  @Override
  <T extends Provider> List<LoadedProvider<T>> load(Class<T> kind) {
    return providers.stream()
        .filter(kind::isInstance)
        .map(kind::cast)
        .map(LoadedProvider::of)
        .toList();
  }

  @Override
  public String where() {
    return "among the " + providers.size() + " providers handed in";
  }

  @Override
  public String toString() {
    return "ProviderLoader.of(" + providers + ")";
  }
}
