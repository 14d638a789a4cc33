package dev.portcullis.core.providers;

import dev.portcullis.api.Provider;
import dev.portcullis.api.ProviderSettings;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A loaded and named provider, and what its probe said once it was initialized and asked.
 *
 * <p>Initialized and probed at most once, as the {@link Provider} lifecycle requires; not thread
 * safe, as a selection runs on one thread.
 */
final class Candidate<T extends Provider> {

  private final T provider;
  private final String name;
  private final int order;

  /** Null until probed; then empty when available. */
  private Optional<Throwable> unavailabilityCause;

  Candidate(T provider, String name, int order) {
    this.provider = provider;
    this.name = name;
    this.order = order;
  }

  T provider() {
    return provider;
  }

  String name() {
    return name;
  }

  int order() {
    return order;
  }

  String className() {
    return provider.getClass().getName();
  }

  /**
   * Initializes the provider and asks why it is unavailable, the first time only; empty when it is
   * available. A provider that throws is unavailable with what it threw as the cause.
   */
  Optional<Throwable> probe(ProviderSettings settings) {
    if (unavailabilityCause == null) {
      unavailabilityCause = initializeAndAsk(settings);
    }
    return unavailabilityCause;
  }

  private Optional<Throwable> initializeAndAsk(ProviderSettings settings) {
    try {
      provider.initialize(settings);
    } catch (Throwable failure) {
      Causes.rethrowIfFatal(failure);
      return Optional.of(failure);
    }
    try {
      Optional<Throwable> cause = provider.unavailabilityCause();
      if (cause == null) {
        return Optional.of(
            new IllegalStateException(
                className() + ".unavailabilityCause() returned null instead of an Optional"));
      }
      return cause;
    } catch (Throwable failure) {
      Causes.rethrowIfFatal(failure);
      return Optional.of(failure);
    }
  }

  /** What became of this provider, {@code selected} being whether it was chosen. */
  ProviderReport report(boolean selected) {
    ProviderReport.Status status;
    if (unavailabilityCause == null) {
      status = ProviderReport.Status.NOT_PROBED;
    } else if (unavailabilityCause.isPresent()) {
      status = ProviderReport.Status.UNAVAILABLE;
    } else {
      status = selected ? ProviderReport.Status.SELECTED : ProviderReport.Status.AVAILABLE;
    }
    return new ProviderReport(
        Optional.of(name),
        className(),
        OptionalInt.of(order),
        status,
        unavailabilityCause == null ? Optional.empty() : unavailabilityCause);
  }
}
