package dev.portcullis.core.providers;

import dev.portcullis.api.Provider;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ProviderLoader} found in one place: a provider instance, or the reason one could
 * not be looked up or constructed.
 *
 * <p>A failure is kept rather than thrown so that one broken provider never hides the others, and
 * so that the selection can name it when it explains its choice. Immutable.
 *
 * @param <T> the kind of provider
 */
final class LoadedProvider<T extends Provider> {

  private final String description;
  private final T provider;
  private final Throwable failure;

  private LoadedProvider(String description, T provider, Throwable failure) {
    this.description = description;
    this.provider = provider;
    this.failure = failure;
  }

  /**
   * A provider that was constructed; its description is its class name.
   *
   * @throws NullPointerException if {@code provider} is null
   */
  static <T extends Provider> LoadedProvider<T> of(T provider) {
    Objects.requireNonNull(provider, "provider");
    return new LoadedProvider<>(provider.getClass().getName(), provider, null);
  }

  /**
   * A provider that could not be looked up or constructed.
   *
   * @param description the provider's class name when known, else what was being loaded; not blank
   * @param cause why it failed
   * @throws IllegalArgumentException if {@code description} is blank
   */
  static <T extends Provider> LoadedProvider<T> failed(String description, Throwable cause) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(cause, "cause");
    if (description.isBlank()) {
      throw new IllegalArgumentException("A failed provider needs a description");
    }
    return new LoadedProvider<>(description, null, cause);
  }

  /** Whether a provider instance was constructed: {@link #provider()} is present. */
  boolean isLoaded() {
    return provider != null;
  }

  /** The provider instance; empty when loading failed. */
  Optional<T> provider() {
    return Optional.ofNullable(provider);
  }

  /** Why loading failed; empty when the provider was constructed. */
  Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * The provider's class name, or, when loading failed before the class was known, what was being
   * loaded. Never null or blank.
   */
  String description() {
    return description;
  }

  /** {@code com.example.Source} or {@code com.example.Source: failed to load: <cause>}. */
  @Override
  public String toString() {
    return failure == null
        ? description
        : description + ": failed to load: " + Causes.describe(failure);
  }
}
