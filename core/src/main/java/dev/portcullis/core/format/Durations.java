package dev.portcullis.core.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and writes durations the way Mesos flags spell them: a number followed immediately by a
 * unit, for example {@code 30secs}, {@code 500ms} or {@code 1.5mins}.
 *
 * <p>The units are {@code ns us ms secs mins hrs days weeks}. {@code format(parse(text))} may spell
 * a duration differently from {@code text} ({@code 1.5mins} prints as {@code 90secs}), but {@code
 * parse(format(d)).equals(d)} holds for every {@code d} that {@code parse} can return.
 *
 * <p>Only the grammar is checked here: whether a duration may be zero or negative is the rule of
 * the setting that takes it, checked once, where typed and textual values meet.
 *
 * <p>Internal to core: the package is not exported. Embedders write durations as flag text or pass
 * {@link Duration}s.
 */
public final class Durations {

  /** An optional sign: {@code -5secs} is a duration, which its setting may refuse. */
  private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)");

  private static final BigDecimal LONGEST_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

  private static final String VALID_UNITS =
      Arrays.stream(Unit.values()).map(unit -> unit.symbol).collect(Collectors.joining(", "));

  private Durations() {}

  /**
   * Parses a Mesos duration such as {@code 30secs}. Whitespace around the text is ignored; none is
   * allowed between the number and the unit. The number may have a fraction ({@code 1.5mins}) as
   * long as the result is a whole number of nanoseconds.
   *
   * @param text the duration; never null
   * @return a duration of at most {@link Long#MAX_VALUE} nanoseconds either way; never null
   * @throws IllegalArgumentException quoting the text when it is empty, does not start with a
   *     number, or has no unit or an unknown one
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "text");
    return parse(
        text,
        problem -> new IllegalArgumentException("Invalid duration '" + text + "': " + problem));
  }

  /**
   * As {@link #parse(String)}, but the problem (which does not quote the text) is turned into the
   * exception to throw by {@code failure}, so that callers can word the error their own way.
   */
  public static Duration parse(String text, Function<String, ? extends RuntimeException> failure) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw failure.apply("the text is empty; write a number and a unit, for example 30secs");
    }
    int unitStart = 0;
    while (unitStart < trimmed.length() && isNumberChar(trimmed.charAt(unitStart))) {
      unitStart++;
    }
    String number = trimmed.substring(0, unitStart);
    String unitText = trimmed.substring(unitStart);
    if (number.isEmpty()) {
      throw failure.apply("it must start with a number, for example 30secs");
    }
    if (!NUMBER.matcher(number).matches()) {
      throw failure.apply("'" + number + "' is not a number");
    }
    if (unitText.isEmpty()) {
      throw failure.apply("the unit is missing; valid units are " + VALID_UNITS);
    }
    if (Character.isWhitespace(unitText.charAt(0))) {
      throw failure.apply("write the unit right after the number, as in 30secs, with no space");
    }
    Unit unit = Unit.of(unitText);
    if (unit == null) {
      throw failure.apply("unknown unit '" + unitText + "'; valid units are " + VALID_UNITS);
    }
    BigDecimal nanos = new BigDecimal(number).multiply(BigDecimal.valueOf(unit.nanos));
    if (nanos.stripTrailingZeros().scale() > 0) {
      throw failure.apply("it is not a whole number of nanoseconds");
    }
    if (nanos.abs().compareTo(LONGEST_NANOS) > 0) {
      throw failure.apply("it is too long; durations are limited to about 292 years");
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

  private static boolean isNumberChar(char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == '-';
  }

  /**
   * Prints a duration in Mesos style, in the largest unit that divides it exactly: {@code 30secs},
   * {@code 500ms}, {@code 2mins}, {@code 90secs}. Zero prints as {@code 0secs} and a negative
   * duration with a leading {@code -}.
   *
   * @param duration any duration; never null
   * @return never null, never empty
   */
  public static String format(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isZero()) {
      return "0" + Unit.SECS.symbol;
    }
    // BigInteger because Duration can hold far more nanoseconds than a long.
    BigInteger nanos =
        BigInteger.valueOf(duration.getSeconds())
            .multiply(NANOS_PER_SECOND)
            .add(BigInteger.valueOf(duration.getNano()));
    Unit[] units = Unit.values();
    for (int i = units.length - 1; i >= 0; i--) {
      BigInteger[] quotientAndRemainder =
          nanos.divideAndRemainder(BigInteger.valueOf(units[i].nanos));
      if (quotientAndRemainder[1].signum() == 0) {
        return quotientAndRemainder[0] + units[i].symbol;
      }
    }
    throw new AssertionError("every duration is a whole number of nanoseconds");
  }

  /** The Mesos duration units, shortest first. */
  private enum Unit {
    NS("ns", 1L),
    US("us", 1_000L),
    MS("ms", 1_000_000L),
    SECS("secs", 1_000_000_000L),
    MINS("mins", 60 * 1_000_000_000L),
    HRS("hrs", 60 * 60 * 1_000_000_000L),
    DAYS("days", 24 * 60 * 60 * 1_000_000_000L),
    WEEKS("weeks", 7 * 24 * 60 * 60 * 1_000_000_000L);

    final String symbol;
    final long nanos;

    Unit(String symbol, long nanos) {
      this.symbol = symbol;
      this.nanos = nanos;
    }

    /** The unit spelt exactly {@code symbol}, or null. */
    static Unit of(String symbol) {
      for (Unit unit : values()) {
        if (unit.symbol.equals(symbol)) {
          return unit;
        }
      }
      return null;
    }
  }
}
