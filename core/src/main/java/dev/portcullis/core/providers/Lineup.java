package dev.portcullis.core.providers;

import dev.portcullis.api.Provider;
import dev.portcullis.api.ProviderSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The providers of one kind a loader found, named and put in preference order, with those that
 * could not be loaded or named set aside as failures.
 */
final class Lineup<T extends Provider> {

  /** The lowest order first, ties to the alphabetically first name, as {@link Provider} says. */
  private static final Comparator<Candidate<?>> PREFERENCE =
      Comparator.<Candidate<?>>comparingInt(Candidate::order).thenComparing(Candidate::name);

  private final List<Candidate<T>> candidates;
  private final List<ProviderReport> failures;

  private Lineup(List<Candidate<T>> candidates, List<ProviderReport> failures) {
    this.candidates = candidates;
    this.failures = failures;
  }

  /**
   * Names every loaded provider, guarding each call.
   *
   * @throws ProviderSelectionException if two providers have the same name
   */
  static <T extends Provider> Lineup<T> of(Class<T> kind, List<LoadedProvider<T>> found) {
    List<Candidate<T>> candidates = new ArrayList<>();
    List<ProviderReport> failures = new ArrayList<>();
    for (LoadedProvider<T> loaded : found) {
      if (loaded.isLoaded()) {
        name(loaded.provider().orElseThrow(), candidates, failures);
      } else {
        failures.add(
            failed(Optional.empty(), loaded.description(), loaded.failure().orElseThrow()));
      }
    }
    candidates.sort(PREFERENCE);
    Lineup<T> lineup = new Lineup<>(List.copyOf(candidates), List.copyOf(failures));
    lineup.checkNamesUnique(kind);
    return lineup;
  }

  private static <T extends Provider> void name(
      T provider, List<Candidate<T>> candidates, List<ProviderReport> failures) {
    String className = provider.getClass().getName();
    String name;
    try {
      name = provider.name();
    } catch (Throwable failure) {
      Causes.rethrowIfFatal(failure);
      failures.add(failed(Optional.empty(), className, failure));
      return;
    }
    if (name == null || name.isBlank()) {
      failures.add(
          failed(
              Optional.empty(),
              className,
              new IllegalStateException(
                  className
                      + ".name() returned "
                      + (name == null ? "null" : "'" + name + "'")
                      + ": every provider needs a unique, non-blank name")));
      return;
    }
    try {
      candidates.add(new Candidate<>(provider, name, provider.order()));
    } catch (Throwable failure) {
      Causes.rethrowIfFatal(failure);
      failures.add(failed(Optional.of(name), className, failure));
    }
  }

  private static ProviderReport failed(Optional<String> name, String className, Throwable cause) {
    return new ProviderReport(
        name,
        className,
        OptionalInt.empty(),
        ProviderReport.Status.FAILED_TO_LOAD,
        Optional.of(cause));
  }

  private void checkNamesUnique(Class<T> kind) {
    Map<String, Candidate<T>> byName = new HashMap<>();
    for (Candidate<T> candidate : candidates) {
      Candidate<T> first = byName.putIfAbsent(candidate.name(), candidate);
      if (first != null) {
        throw new ProviderSelectionException(
            kind,
            Diagnostics.duplicateName(
                kind, candidate.name(), first.className(), candidate.className()),
            reports(Optional.empty()),
            null);
      }
    }
  }

  /** Whether the loader found nothing at all, not even a failure. */
  boolean isEmpty() {
    return candidates.isEmpty() && failures.isEmpty();
  }

  /** The named providers, most preferred first. */
  List<Candidate<T>> candidates() {
    return candidates;
  }

  /** The providers that could not be loaded or named, in the order found. */
  List<ProviderReport> failures() {
    return failures;
  }

  /** The provider with exactly this name, if found. */
  Optional<Candidate<T>> named(String name) {
    return candidates.stream().filter(candidate -> candidate.name().equals(name)).findFirst();
  }

  /** Initializes and probes every provider not yet probed. */
  void probeAll(ProviderSettings settings) {
    candidates.forEach(candidate -> candidate.probe(settings));
  }

  /** Every provider found: the named ones in preference order, then the failures. */
  List<ProviderReport> reports(Optional<Candidate<T>> selected) {
    List<ProviderReport> reports = new ArrayList<>();
    for (Candidate<T> candidate : candidates) {
      reports.add(candidate.report(selected.isPresent() && selected.get() == candidate));
    }
    reports.addAll(failures);
    return List.copyOf(reports);
  }
}
