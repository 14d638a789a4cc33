package dev.portcullis.agent.providers;

import dev.portcullis.agent.extensions.ProviderOrigin;
import dev.portcullis.core.providers.ProviderReport;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One provider as {@code portcullis providers} lists it: what core's survey reported, where its
 * class comes from, and whether the selection chose it.
 *
 * @param report the survey's report: name, class, order, status, cause
 * @param origin the module of the class, and the extension jar that holds it
 * @param selected whether the selection with the flags given chose this provider
 */
record ListedProvider(ProviderReport report, ProviderOrigin origin, boolean selected) {

  /** Checks for nulls. */
  ListedProvider {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(origin, "origin");
  }

  Optional<String> name() {
    return report.name();
  }

  String className() {
    return report.className();
  }

  OptionalInt order() {
    return report.order();
  }

  ProviderReport.Status status() {
    return report.status();
  }

  /** Why it is unavailable or failed to load, on one line. */
  Optional<String> cause() {
    return report.causeSummary();
  }
}
