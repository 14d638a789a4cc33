package dev.portcullis.core.config;

import dev.portcullis.api.Stability;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which binds a port guard refuses, flag {@value IsolatorConfig#CONTAINER_PORTS_GUARD_MODE}. Both
 * modes let a container bind every port it was allocated, and judge the port the kernel picks for a
 * {@code bind()} to port 0 by the isolator's scope: refused when it is in scope and not allocated.
 * They differ for a {@code bind()} that names its port:
 *
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public enum GuardMode {

  /**
   * A named port is refused only when it is in the isolator's scope and not allocated: the guard
   * refuses exactly what a scan would report. Ports outside the scope stay free.
   */
  SCOPE("scope"),

  /**
   * A named port is refused whenever it is not allocated, anywhere in 1–65535, even outside the
   * scope; only the kernel's own picks for {@code bind()} to port 0 may fall outside the allocation
   * (and then only outside the scope). This is what keeps a task in range-only mode from binding a
   * port outside the agent's range that belongs to another service, while an executor that listens
   * on an ephemeral port still starts.
   */
  STRICT("strict");

  private final String flagValue;

  GuardMode(String flagValue) {
    this.flagValue = flagValue;
  }

  /** {@return the mode's name as the flag takes it, for example {@code scope}} */
  public String flagValue() {
    return flagValue;
  }

  /**
   * {@return the mode a flag value names, in any case, surrounding whitespace ignored}
   *
   * @param value the flag's text
   */
  public static Optional<GuardMode> parse(String value) {
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(mode -> mode.flagValue.equals(wanted)).findFirst();
  }

  /** Every flag value, for messages: {@code scope or strict}. */
  static String flagValues() {
    return Arrays.stream(values()).map(GuardMode::flagValue).collect(Collectors.joining(" or "));
  }
}
