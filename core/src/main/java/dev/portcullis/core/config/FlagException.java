package dev.portcullis.core.config;

import dev.portcullis.api.Stability;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown when a flag has a value the isolator cannot use, or when flags contradict each other.
 * Start-up fails with it, so its message is written for the operator: {@code Invalid flag
 * --<name>=<value>: <problem>} for a bad value, {@code Flag --<name>: <problem>} otherwise.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class FlagException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The offending flag's name, without {@code --}. */
  private final String flag;

  /** The offending value as given, or null when the problem is not the flag's own value. */
  private final String value;

  private FlagException(String flag, String value, String message, Throwable cause) {
    super(message, cause);
    this.flag = flag;
    this.value = value;
  }

  /**
   * A flag whose value is wrong. The message is {@code Invalid flag --<flag>=<value>: <problem>},
   * with a value longer than 200 characters cut short.
   *
   * @param flag the flag's name without {@code --}; never null
   * @param value the value as given; never null
   * @param problem what is wrong and, where it helps, how to fix it; never null
   * @return never null
   */
  public static FlagException invalidValue(String flag, String value, String problem) {
    return invalidValue(flag, value, problem, null);
  }

  /**
   * As {@link #invalidValue(String, String, String)}, keeping the parse error that revealed the
   * problem as the cause.
   *
   * @param flag the flag, without {@code --}
   * @param value its value, as given
   * @param problem what is wrong with it
   * @param cause the underlying error; may be null
   * @return never null
   */
  public static FlagException invalidValue(
      String flag, String value, String problem, Throwable cause) {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(problem, "problem");
    return new FlagException(
        flag,
        value,
        "Invalid flag --" + flag + "=" + Diagnostics.excerpt(value) + ": " + problem,
        cause);
  }

  /**
   * A flag that cannot be used as given for a reason other than its own value, such as a conflict
   * with another flag. The message is {@code Flag --<flag>: <problem>}; the problem should name
   * every flag involved.
   *
   * @param flag the flag's name without {@code --}; never null
   * @param problem what is wrong and how to fix it; never null
   * @return never null
   */
  public static FlagException of(String flag, String problem) {
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(problem, "problem");
    return new FlagException(flag, null, "Flag --" + flag + ": " + problem, null);
  }

  /** {@return the name of the offending flag, without {@code --}; never null} */
  public String flag() {
    return flag;
  }

  /** {@return the offending value as given; empty when the problem is not the flag's own value} */
  public Optional<String> value() {
    return Optional.ofNullable(value);
  }
}
