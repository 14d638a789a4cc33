package dev.portcullis.agent.providers;

import dev.portcullis.agent.extensions.Extensions;
import dev.portcullis.agent.extensions.ProviderKind;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderReport;
import dev.portcullis.core.providers.ProviderSelectionException;
import dev.portcullis.core.providers.ProviderSelector;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every provider of one kind, and what the agent would select with the flags given: a name, or the
 * selection's error; or nothing, for the port guard when none is named.
 *
 * @param kind the kind
 * @param wanted the name the flags (or the system property) give, if any
 * @param needed whether the agent selects this kind at all: every kind but the port guard, which
 *     only when one is named
 * @param selected the name of the provider the selection chose
 * @param error why the selection, or the survey, failed, on one line; the survey can fail for a
 *     kind that is not needed
 * @param providers every provider found, the named ones in preference order (best first), then
 *     those that failed to load
 */
record KindListing(
    ProviderKind kind,
    Optional<String> wanted,
    boolean needed,
    Optional<String> selected,
    Optional<String> error,
    List<ListedProvider> providers) {

  /**
   * Checks for nulls, that a needed kind has a selection or an error, and that a kind not needed
   * has no selection.
   */
  KindListing {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(wanted, "wanted");
    Objects.requireNonNull(selected, "selected");
    Objects.requireNonNull(error, "error");
    providers = List.copyOf(providers);
    if (needed ? selected.isPresent() == error.isPresent() : selected.isPresent()) {
      throw new IllegalArgumentException(
          "A needed kind has a selection or an error; one not needed has no selection");
    }
  }

  /** Whether the agent could start with this kind: it selected one, or needs none. */
  boolean selectable() {
    return !needed || selected.isPresent();
  }

  /**
   * Surveys every provider of {@code kind} through core, then selects through core as the agent
   * would. Both initialize and probe: the survey every provider, the selection those it tries.
   */
  static KindListing of(ProviderKind kind, IsolatorConfig config, Extensions extensions) {
    ProviderLoader loader = extensions.loader();
    Optional<String> wanted = wanted(kind, config);
    boolean needed = kind != ProviderKind.PORT_GUARD || wanted.isPresent();
    List<ProviderReport> reports;
    Optional<String> error = Optional.empty();
    try {
      reports = ProviderSelector.survey(kind.type(), config.providerSettings(), loader);
    } catch (ProviderSelectionException e) {
      // Two providers share a name: no selection can be made, and the reports say which.
      reports = e.considered();
      error = Optional.of(oneLine(e));
    }
    Optional<String> selected = Optional.empty();
    if (needed && error.isEmpty()) {
      try {
        selected = Optional.of(ProviderSelector.select(kind.type(), config, loader).name());
      } catch (ProviderSelectionException e) {
        error = Optional.of(oneLine(e));
      }
    }
    Optional<String> chosen = selected;
    List<ListedProvider> providers =
        reports.stream()
            .map(
                report ->
                    new ListedProvider(
                        report,
                        extensions.origin(report.className()),
                        chosen.isPresent() && report.name().equals(chosen)))
            .toList();
    return new KindListing(kind, wanted, needed, selected, error, providers);
  }

  private static Optional<String> wanted(ProviderKind kind, IsolatorConfig config) {
    return switch (kind) {
      case SOCKET_SOURCE -> config.socketSourceName();
      case ENFORCEMENT_POLICY -> config.policyName();
      case PROCESS_TRACKER -> config.processTrackerName();
      case PORT_GUARD -> config.guardName();
    };
  }

  private static String oneLine(ProviderSelectionException e) {
    return e.getMessage().replace('\n', ' ');
  }
}
