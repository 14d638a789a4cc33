package dev.portcullis.api;

import java.util.Optional;

/**
 * What every pluggable part of Portcullis has in common: a name to select it by, an availability
 * probe, and an order for choosing among the available ones.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader} (or handed in by an embedder) and
 * must have a public no-argument constructor that is cheap and has no side effects. The lifecycle
 * is:
 *
 * <ol>
 *   <li>construction;
 *   <li>{@link #initialize(ProviderSettings)}, once, with the settings the host was started with;
 *   <li>{@link #unavailabilityCause()}, which may probe real resources (open a socket, look for a
 *       mount) and should remember the answer;
 *   <li>if selected, use through the provider's own interface.
 * </ol>
 *
 * <p>A provider that was not selected may be discarded after step 3 and is never used.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface Provider {

  /**
   * {@return the name this provider is selected by, unique among the providers of its kind: lower
   * case, for example {@code netlink} or {@code mesos}} Never null or blank.
   */
  String name();

  /**
   * {@return preference among available providers of the same kind when none is named: the lowest
   * order wins, ties go to the alphabetically first name} The default is 0.
   */
  default int order() {
    return 0;
  }

  /**
   * Receives the host's settings before any other call but {@link #name()} and {@link #order()}.
   * The default ignores them.
   *
   * @param settings every flag the host was given, by name
   * @throws IllegalArgumentException if a setting this provider reads is invalid; the message names
   *     the setting and the value
   */
  default void initialize(ProviderSettings settings) {}

  /**
   * {@return why this provider cannot work here, or empty when it can} Implementations probe the
   * real resources they need, once, and report the failure as the cause.
   */
  Optional<Throwable> unavailabilityCause();

  /** {@return whether this provider can work here: {@link #unavailabilityCause()} is empty} */
  default boolean isAvailable() {
    return unavailabilityCause().isEmpty();
  }
}
