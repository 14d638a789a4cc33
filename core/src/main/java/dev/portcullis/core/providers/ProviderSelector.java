package dev.portcullis.core.providers;

import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Provider;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.SocketSource;
import dev.portcullis.api.Stability;
import dev.portcullis.core.config.IsolatorConfig;
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
@Stability(Stability.Level.STABLE)
public final class ProviderSelector {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderSelector.class);

  private ProviderSelector() {}

  /**
   * The provider of {@code kind} to use, initialized with {@code settings}.
   *
   * @param <T> the provider interface
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
   * The provider of {@code kind} that {@code config} asks for: the one its flag or system property
   * names ({@value IsolatorConfig#SOCKET_SOURCE}, {@value IsolatorConfig#PROCESS_TRACKER}, {@value
   * IsolatorConfig#CONTAINER_PORTS_POLICY}, {@value IsolatorConfig#CONTAINER_PORTS_GUARD}), else
   * the best available, initialized with the config's {@link IsolatorConfig#providerSettings()
   * provider settings}. This is how {@code PortsIsolator.Builder.selectProviders} selects each
   * kind, for hosts that need one kind alone (a launcher that confines tasks without isolating
   * their ports needs only the tracker).
   *
   * @param <T> the provider interface
   * @param kind one of the four SPIs; {@code PortGuard.class} only when the config names a guard
   * @param config names the provider, by flag or system property, and holds its settings
   * @param loader finds the providers
   * @return the choice, never null
   * @throws ProviderSelectionException as {@link #select(Class, Optional, ProviderSettings,
   *     ProviderLoader)} does; when a flag given by name chose the provider, its {@link
   *     ProviderSelectionException#flag() flag} is that flag and its message starts {@code Invalid
   *     flag --<flag>=<value>: }
   * @throws IllegalArgumentException if {@code kind} is no SPI the config names, or is the port
   *     guard and the config names none ({@value IsolatorConfig#NO_GUARD})
   * @since 0.2
   */
  public static <T extends Provider> Selection<T> select(
      Class<T> kind, IsolatorConfig config, ProviderLoader loader) {
    Objects.requireNonNull(config, "config");
    String flag = flagOf(kind);
    Optional<String> name = nameOf(kind, config);
    if (kind == PortGuard.class && name.isEmpty()) {
      throw new IllegalArgumentException(
          "The configuration names no port guard (--" + flag + "=" + IsolatorConfig.NO_GUARD + ")");
    }
    try {
      return select(kind, name, config.providerSettings(), loader);
    } catch (ProviderSelectionException e) {
      // A flag given by name takes precedence over the system property: if given, it chose.
      Optional<String> given = config.providerSettings().get(flag);
      throw given.isPresent() ? e.namedBy(flag, given.get()) : e;
    }
  }

  private static String flagOf(Class<? extends Provider> kind) {
    if (kind == SocketSource.class) {
      return IsolatorConfig.SOCKET_SOURCE;
    } else if (kind == ProcessTracker.class) {
      return IsolatorConfig.PROCESS_TRACKER;
    } else if (kind == EnforcementPolicy.class) {
      return IsolatorConfig.CONTAINER_PORTS_POLICY;
    } else if (kind == PortGuard.class) {
      return IsolatorConfig.CONTAINER_PORTS_GUARD;
    }
    throw new IllegalArgumentException("No flag names a provider of " + kind.getName());
  }

  private static Optional<String> nameOf(Class<? extends Provider> kind, IsolatorConfig config) {
    if (kind == SocketSource.class) {
      return config.socketSourceName();
    } else if (kind == ProcessTracker.class) {
      return config.processTrackerName();
    } else if (kind == EnforcementPolicy.class) {
      return config.policyName();
    }
    return config.guardName();
  }

  /**
   * {@return every provider of {@code kind} the loader finds, each initialized with {@code
   * settings} and probed: for a diagnostics listing} The named ones come first, in preference
   * order, so the first {@link ProviderReport.Status#AVAILABLE available} one is the one {@link
   * #select} would choose without a name; those that failed to load come last. Potentially empty,
   * never null.
   *
   * <p>Every provider is initialized, so the instances must not be selected from again; {@link
   * ProviderLoader#serviceLoader()} constructs fresh ones at each load.
   *
   * @param <T> the provider interface
   * @param kind the provider interface, for example {@code SocketSource.class}
   * @param settings handed to each provider's {@link Provider#initialize initialize}
   * @param loader finds the providers
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
          kind, Diagnostics.noSuchName(kind, wanted, found, loader), found, null);
    }
    ProviderReport report = wantedReport.get();
    throw new ProviderSelectionException(
        kind,
        Diagnostics.namedUnavailable(kind, report, found),
        found,
        report.cause().orElse(null));
  }

  private static <T extends Provider> Selection<T> selectBest(
      Class<T> kind, ProviderSettings settings, ProviderLoader loader, Lineup<T> lineup) {
    if (lineup.isEmpty()) {
      throw new ProviderSelectionException(
          kind, Diagnostics.noneFound(kind, loader), List.of(), null);
    }
    for (Candidate<T> candidate : lineup.candidates()) {
      if (candidate.probe(settings).isEmpty()) {
        return chosen(kind, candidate, lineup, false);
      }
    }
    List<ProviderReport> found = lineup.reports(Optional.empty());
    ProviderSelectionException failure =
        new ProviderSelectionException(kind, Diagnostics.noneAvailable(kind, found), found, null);
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
