package dev.portcullis.agent.providers;

import dev.portcullis.agent.extensions.Extensions;
import dev.portcullis.agent.extensions.ProviderKind;
import dev.portcullis.core.config.IsolatorConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code portcullis providers} found: every provider of each kind, in the order the agent
 * selects the kinds, and whether the agent could start with the flags given.
 *
 * @param modulesDir the extension directory, when one was given
 * @param kinds one listing per {@link ProviderKind}, in its order
 */
record ProviderListing(Optional<Path> modulesDir, List<KindListing> kinds) {

  /** Checks for nulls. */
  ProviderListing {
    Objects.requireNonNull(modulesDir, "modulesDir");
    kinds = List.copyOf(kinds);
  }

  /** Surveys and selects every kind with the configuration and providers given. */
  static ProviderListing of(IsolatorConfig config, Extensions extensions) {
    return new ProviderListing(
        extensions.dir(),
        Arrays.stream(ProviderKind.values())
            .map(kind -> KindListing.of(kind, config, extensions))
            .toList());
  }

  /**
   * Whether {@code run} and {@code agent}, isolating ports, could select every provider they need
   * with these flags.
   */
  boolean startable() {
    return kinds.stream().allMatch(KindListing::selectable);
  }
}
