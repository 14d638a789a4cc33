package dev.portcullis.core.providers;

import dev.portcullis.api.Provider;
import java.util.ArrayList;
import java.util.List;

/** Two loaders asked in turn, their findings kept in that order. */
final class CombinedProviders extends ProviderLoader {

  private final ProviderLoader first;
  private final ProviderLoader second;

  CombinedProviders(ProviderLoader first, ProviderLoader second) {
    this.first = first;
    this.second = second;
  }

  @Override
  <T extends Provider> List<LoadedProvider<T>> load(Class<T> kind) {
    List<LoadedProvider<T>> found = new ArrayList<>(first.load(kind));
    found.addAll(second.load(kind));
    return List.copyOf(found);
  }

  @Override
  public String where() {
    return first.where() + ", nor " + second.where();
  }

  @Override
  public String toString() {
    return "ProviderLoader.concat(" + first + ", " + second + ")";
  }
}
