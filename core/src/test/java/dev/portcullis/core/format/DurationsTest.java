package dev.portcullis.core.format;

import static dev.portcullis.core.config.MessageAssertions.assertStartsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "10ns, PT0.00000001S",
    "10us, PT0.00001S",
    "500ms, PT0.5S",
    "30secs, PT30S",
    "2mins, PT2M",
    "3hrs, PT3H",
    "1days, PT24H",
    "2weeks, PT336H",
    "1.5mins, PT1M30S",
    "0.25secs, PT0.25S",
    "1.ms, PT0.001S",
    ".5secs, PT0.5S",
  })
  void parsesEveryUnitAndFractions(String text, String expected) {
    assertEquals(Duration.parse(expected), Durations.parse(text));
  }

  @Test
  void toleratesSurroundingWhitespace() {
    assertEquals(Duration.ofSeconds(30), Durations.parse("  30secs\n"));
  }

  /** Whether a duration may be zero or negative is for the setting that takes it to say. */
  @ParameterizedTest
  @CsvSource({"0secs, PT0S", "0.0ms, PT0S", "-5secs, PT-5S"})
  void readsZeroAndNegativeDurations(String text, String expected) {
    assertEquals(Duration.parse(expected), Durations.parse(text));
  }

  @Test
  void acceptsTheLongestDuration() {
    assertEquals(Duration.ofNanos(Long.MAX_VALUE), Durations.parse(Long.MAX_VALUE + "ns"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "``           | Invalid duration '': the text is empty; write a number and a unit, for"
            + " example 30secs",
        "`   `        | Invalid duration '   ': the text is empty",
        "30           | Invalid duration '30': the unit is missing; valid units are ns, us, ms,"
            + " secs, mins, hrs, days, weeks",
        "30s          | Invalid duration '30s': unknown unit 's'; valid units are ns, us, ms, secs,"
            + " mins, hrs, days, weeks",
        "30Secs       | Invalid duration '30Secs': unknown unit 'Secs'",
        "secs         | Invalid duration 'secs': it must start with a number, for example 30secs",
        "abc          | Invalid duration 'abc': it must start with a number",
        "1.2.3secs    | Invalid duration '1.2.3secs': '1.2.3' is not a number",
        "1-2secs      | Invalid duration '1-2secs': '1-2' is not a number",
        ".secs        | Invalid duration '.secs': '.' is not a number",
        "`30 secs`    | Invalid duration '30 secs': write the unit right after the number",
        "0.5ns        | Invalid duration '0.5ns': it is not a whole number of nanoseconds",
        "100000weeks  | Invalid duration '100000weeks': it is too long; durations are limited to"
            + " about 292 years",
        "-100000weeks | Invalid duration '-100000weeks': it is too long",
      })
  void rejectsBadTextQuotingIt(String text, String expectedMessageStart) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertStartsWith(expectedMessageStart, e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "PT30S, 30secs",
    "PT0.5S, 500ms",
    "PT1M30S, 90secs",
    "PT2M, 2mins",
    "PT1H, 1hrs",
    "PT48H, 2days",
    "PT168H, 1weeks",
    "PT0.000001S, 1us",
    "PT0.000000001S, 1ns",
    "PT1.000000001S, 1000000001ns",
    "PT0S, 0secs",
    "PT-30S, -30secs",
  })
  void formatsInTheLargestExactUnit(String duration, String expected) {
    assertEquals(expected, Durations.format(Duration.parse(duration)));
  }

  @Test
  void formatHandlesDurationsBeyondLongNanoseconds() {
    assertEquals("2000000000000weeks", Durations.format(Duration.ofDays(14_000_000_000_000L)));
  }

  @Test
  void parseOfFormatRoundTrips() {
    Random random = new Random(20240501L);
    long[] scales = {1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 604_800_000_000_000L};
    for (int i = 0; i < 10_000; i++) {
      long scale = scales[random.nextInt(scales.length)];
      long multiplier = 1 + random.nextInt((int) Math.min(1_000_000L, Long.MAX_VALUE / scale));
      long nanos = multiplier * scale;
      Duration duration = Duration.ofNanos(nanos);
      assertEquals(duration, Durations.parse(Durations.format(duration)), duration::toString);
    }
    Duration longest = Duration.ofNanos(Long.MAX_VALUE);
    assertEquals(longest, Durations.parse(Durations.format(longest)));
  }

  @Test
  void formatOfParseKeepsTheValue() {
    for (String text : new String[] {"30secs", "500ms", "2mins", "1hrs", "3days", "2weeks"}) {
      assertEquals(text, Durations.format(Durations.parse(text)));
    }
  }
}
