package dev.portcullis.core.providers;

import dev.portcullis.api.Provider;
import dev.portcullis.api.ProviderSettings;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the one provider of a kind a host will use: the one named, or else the best available.
 *
 * <p>Every provider the loader finds is named first; two with the same name are an error. Then:
 *
 * <ul>
 *   <li>With a name, that provider alone is initialized and probed; it must exist and be available.
 *       If it is not, every other provider is probed too, so that the failure can say which would
 *       work.
 *   <li>Without a name, providers are initialized and probed in preference order (the lowest {@link
 *       Provider#order() order} first, ties to the alphabetically first name) until one is
 *       available; the ones after it are never initialized or probed.
 * </ul>
 *
 * <p>A provider that throws from any call is treated as unavailable (or, from {@code name()} or
 * {@code order()}, as failed to load) with what it threw as the cause; it never hides the others.
 * The choice is logged at INFO with every other provider found; providers that failed to load are
 * logged at WARN.
 *
 * @since 0.1
 */
public final class ProviderSelector {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderSelector.class);

  private ProviderSelector() {}

  /**
   * The provider of {@code kind} to use, initialized with {@code settings}.
   *
   * @param kind the provider interface, for example {@code SocketSource.class}
   * @param wantedName the name of the provider to use, or empty for the best available
   * @param settings handed to each provider's {@link Provider#initialize initialize}
   * @param loader finds the providers
   * @return the choice, never null
   * @throws ProviderSelectionException if the named provider is missing or unavailable, if none is
   *     available, if none was found, or if two providers have the same name; the message lists
   *     every provider found and why it was not chosen
   * @throws IllegalArgumentException if {@code wantedName} is present but blank
   */
  public static <T extends Provider> Selection<T> select(
      Class<T> kind,
      Optional<String> wantedName,
      ProviderSettings settings,
      ProviderLoader loader) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(wantedName, "wantedName");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(loader, "loader");
    if (wantedName.isPresent() && wantedName.get().isBlank()) {
      throw new IllegalArgumentException(
          "The "
              + Diagnostics.label(kind)
              + " name is blank: name a provider, or give none to choose the best available");
    }
    Lineup<T> lineup = Lineup.of(kind, load(kind, loader));
    for (ProviderReport failure : lineup.failures()) {
      LOG.warn(
          "Could not load {} provider {}: {}",
          Diagnostics.label(kind),
          failure.className(),
          failure.cause().map(Causes::describe).orElse(""),
          failure.cause().orElse(null));
    }
    return wantedName.isPresent()
        ? selectNamed(kind, wantedName.get(), settings, loader, lineup)
        : selectBest(kind, settings, loader, lineup);
  }

  /**
   * Every provider of {@code kind} the loader finds, each initialized with {@code settings} and
   * probed: for a diagnostics listing. The named ones come first, in preference order, so the first
   * {@link ProviderReport.Status#AVAILABLE available} one is the one {@link #select} would choose
   * without a name; those that failed to load come last. Potentially empty, never null.
   *
   * <p>Every provider is initialized, so the instances must not be selected from again; {@link
   * ProviderLoader#serviceLoader()} constructs fresh ones at each load.
   *
   * @throws ProviderSelectionException if two providers have the same name
   */
  public static <T extends Provider> List<ProviderReport> survey(
      Class<T> kind, ProviderSettings settings, ProviderLoader loader) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(loader, "loader");
    Lineup<T> lineup = Lineup.of(kind, load(kind, loader));
    lineup.probeAll(settings);
    return lineup.reports(Optional.empty());
  }

  private static <T extends Provider> List<LoadedProvider<T>> load(
      Class<T> kind, ProviderLoader loader) {
    return Objects.requireNonNull(loader.load(kind), () -> loader + " loaded null");
  }

  private static <T extends Provider> Selection<T> selectNamed(
      Class<T> kind,
      String wanted,
      ProviderSettings settings,
      ProviderLoader loader,
      Lineup<T> lineup) {
    Optional<Candidate<T>> named = lineup.named(wanted);
    if (named.isPresent() && named.get().probe(settings).isEmpty()) {
      return chosen(kind, named.get(), lineup, true);
    }
    // Probe the others only now: they are worth initializing to explain the failure.
    lineup.probeAll(settings);
    List<ProviderReport> found = lineup.reports(Optional.empty());
    // A provider named but failed in order() is still the one wanted: report its failure.
    Optional<ProviderReport> wantedReport =
        found.stream().filter(report -> report.name().equals(Optional.of(wanted))).findFirst();
    if (wantedReport.isEmpty()) {
      throw new ProviderSelectionException(
          Diagnostics.noSuchName(kind, wanted, found, loader), found, null);
    }
    ProviderReport report = wantedReport.get();
    throw new ProviderSelectionException(
        Diagnostics.namedUnavailable(kind, report, found), found, report.cause().orElse(null));
  }

  private static <T extends Provider> Selection<T> selectBest(
      Class<T> kind, ProviderSettings settings, ProviderLoader loader, Lineup<T> lineup) {
    if (lineup.isEmpty()) {
      throw new ProviderSelectionException(Diagnostics.noneFound(kind, loader), List.of(), null);
    }
    for (Candidate<T> candidate : lineup.candidates()) {
      if (candidate.probe(settings).isEmpty()) {
        return chosen(kind, candidate, lineup, false);
      }
    }
    List<ProviderReport> found = lineup.reports(Optional.empty());
    ProviderSelectionException failure =
        new ProviderSelectionException(Diagnostics.noneAvailable(kind, found), found, null);
    // Every cause travels with the exception, so each stack trace reaches the log.
    found.forEach(report -> report.cause().ifPresent(failure::addSuppressed));
    throw failure;
  }

  private static <T extends Provider> Selection<T> chosen(
      Class<T> kind, Candidate<T> candidate, Lineup<T> lineup, boolean byName) {
    List<ProviderReport> considered = lineup.reports(Optional.of(candidate));
    ProviderReport selected = candidate.report(true);
    List<ProviderReport> others =
        considered.stream()
            .filter(report -> report.status() != ProviderReport.Status.SELECTED)
            .toList();
    LOG.info("{}", Diagnostics.chosen(kind, selected, others, byName));
    return new Selection<>(kind, candidate.provider(), candidate.name(), considered);
  }
}
