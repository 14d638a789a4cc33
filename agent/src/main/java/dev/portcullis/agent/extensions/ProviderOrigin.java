package dev.portcullis.agent.extensions;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a provider class comes from: its module, and the extension jar that holds it.
 *
 * @param module the module of the class; empty when it cannot be told, for a provider that failed
 *     to load before its class was known
 * @param jar the extension jar ({@code --modules_dir}) that holds the module; empty for a built-in
 *     provider, one of the agent's own modules
 */
public record ProviderOrigin(Optional<String> module, Optional<Path> jar) {

  /** Nothing is known. */
  static final ProviderOrigin UNKNOWN = new ProviderOrigin(Optional.empty(), Optional.empty());

  /** Checks for nulls. */
  public ProviderOrigin {
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(jar, "jar");
  }

  /** Whether the provider is one of the agent's own: its module is known and no jar holds it. */
  public boolean builtIn() {
    return module.isPresent() && jar.isEmpty();
  }
}
