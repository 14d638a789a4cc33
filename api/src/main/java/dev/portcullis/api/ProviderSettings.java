package dev.portcullis.api;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings a host hands its providers: flag names (without {@code --}) to their values as
 * given, for example {@code cgroups_root=portcullis}.
 *
 * <p>Providers read the settings they understand and ignore the rest. Immutable and thread-safe.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class ProviderSettings {

  private static final ProviderSettings EMPTY = new ProviderSettings(Map.of());

  private final Map<String, String> values;

  private ProviderSettings(Map<String, String> values) {
    this.values = values;
  }

  /** {@return the settings of a host that was given none} */
  public static ProviderSettings empty() {
    return EMPTY;
  }

  /**
   * {@return the given settings, copied; keys and values must not be null}
   *
   * @param values the settings, by name
   */
  public static ProviderSettings of(Map<String, String> values) {
    return new ProviderSettings(Map.copyOf(values));
  }

  /**
   * {@return a copy with one more setting, replacing any with the same name}
   *
   * @param name the setting's name
   * @param value its value
   */
  public ProviderSettings with(String name, String value) {
    TreeMap<String, String> copy = new TreeMap<>(values);
    copy.put(name, value);
    return of(copy);
  }

  /**
   * {@return the value of the named setting, if given}
   *
   * @param name the setting's name, as the flag is written without {@code --}
   */
  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /**
   * {@return the named setting as a boolean: {@code true}/{@code false} (any case, surrounding
   * whitespace ignored), or {@code defaultValue} when absent}
   *
   * @param name the setting's name
   * @param defaultValue the value when the setting is absent
   * @throws IllegalArgumentException naming the setting when the value is neither
   */
  public boolean getBoolean(String name, boolean defaultValue) {
    Optional<String> value = get(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    return switch (value.get().trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "Setting '" + name + "' must be true or false, not '" + value.get() + "'");
    };
  }

  /**
   * {@return the named setting as a decimal int, or {@code defaultValue} when absent}
   *
   * @param name the setting's name
   * @param defaultValue the value when the setting is absent
   * @throws IllegalArgumentException naming the setting when the value is not an int
   */
  public int getInt(String name, int defaultValue) {
    Optional<String> value = get(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.get().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Setting '" + name + "' must be a whole number, not '" + value.get() + "'", e);
    }
  }

  /** {@return every setting, unmodifiable} */
  public Map<String, String> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return new TreeMap<>(values).toString();
  }
}
