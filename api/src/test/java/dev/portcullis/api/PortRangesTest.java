package dev.portcullis.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PortRangesTest {

  // ---------------------------------------------------------------- parsing

  @Test
  void parsesTheMesosExample() {
    PortRanges ranges = PortRanges.parse("[31000-31005, 31010-31010]");

    assertEquals(
        List.of(new PortRanges.Range(31000, 31005), new PortRanges.Range(31010, 31010)),
        ranges.ranges());
    assertEquals("[31000-31005, 31010-31010]", ranges.toString());
  }

  @Test
  void ignoresWhitespaceAnywhere() {
    assertEquals(PortRanges.range(1, 4), PortRanges.parse("[ 1 - 2 ,3-4 ]"));
  }

  @Test
  void ignoresTabsNewlinesAndSurroundingWhitespace() {
    assertEquals(PortRanges.parse("[10-20,30-40]"), PortRanges.parse("\t [10 -\n20,\t30-40 ]\n"));
  }

  @Test
  void parsesHexadecimalBounds() {
    assertEquals(PortRanges.range(16, 32), PortRanges.parse("[0x10-0x20]"));
  }

  @Test
  void parsesUpperCaseHexPrefixAndDigits() {
    assertEquals(PortRanges.range(0xAB, 0xFFFF), PortRanges.parse("[0XaB-0xFFFF]"));
  }

  @Test
  void parsesMixedDecimalAndHexadecimalBounds() {
    assertEquals(PortRanges.range(10, 16), PortRanges.parse("[10-0x10]"));
  }

  @Test
  void parsesLeadingZerosAsDecimal() {
    assertEquals(PortRanges.range(8, 10), PortRanges.parse("[008-0010]"));
  }

  @Test
  void mergesAdjacentRanges() {
    PortRanges ranges = PortRanges.parse("[1-2,3-4]");

    assertEquals(PortRanges.parse("[1-4]"), ranges);
    assertEquals("[1-4]", ranges.toString());
  }

  @Test
  void mergesOverlappingRanges() {
    PortRanges ranges = PortRanges.parse("[1-10, 5-20, 20-25]");

    assertEquals("[1-25]", ranges.toString());
  }

  @Test
  void mergesRangesContainedInOthers() {
    assertEquals("[1-100]", PortRanges.parse("[1-100, 20-30, 40-40]").toString());
  }

  @Test
  void keepsRangesSeparatedByAGap() {
    assertEquals("[1-2, 4-5]", PortRanges.parse("[1-2,4-5]").toString());
  }

  @Test
  void sortsUnorderedInput() {
    PortRanges ranges = PortRanges.parse("[300-400, 1-2, 100-200]");

    assertEquals("[1-2, 100-200, 300-400]", ranges.toString());
    assertEquals(PortRanges.parse("[1-2, 100-200, 300-400]"), ranges);
  }

  @Test
  void mergesUnorderedAdjacentRanges() {
    assertEquals("[1-6]", PortRanges.parse("[5-6, 1-2, 3-4]").toString());
  }

  @Test
  void parsesEmptyBracketsAsTheEmptySet() {
    PortRanges ranges = PortRanges.parse("[]");

    assertTrue(ranges.isEmpty());
    assertEquals(PortRanges.empty(), ranges);
    assertEquals("[]", ranges.toString());
  }

  @Test
  void parsesBlankBracketsAsTheEmptySet() {
    assertEquals(PortRanges.empty(), PortRanges.parse(" [ ] "));
  }

  @Test
  void printsSinglePortsAsPToP() {
    PortRanges ranges = PortRanges.parse("[80-80, 443-443]");

    assertEquals("[80-80, 443-443]", ranges.toString());
    assertEquals(2, ranges.size());
  }

  @Test
  void parsesEveryPortAsAll() {
    PortRanges ranges = PortRanges.parse("[0-65535]");

    assertEquals(PortRanges.all(), ranges);
    assertEquals(65536, ranges.size());
    assertTrue(ranges.contains(0));
    assertTrue(ranges.contains(65535));
  }

  @Test
  void rangeEndingAt65535ContainsIt() {
    PortRanges ranges = PortRanges.parse("[1024-65535]");

    assertTrue(ranges.contains(65535));
    assertTrue(ranges.contains(1024));
    assertFalse(ranges.contains(1023));
    assertEquals(64512, ranges.size());
    assertFalse(ranges.isEmpty());
  }

  @Test
  void singlePortRangeAt65535IsNotEmpty() {
    PortRanges ranges = PortRanges.parse("[65535-65535]");

    assertEquals(1, ranges.size());
    assertTrue(ranges.contains(65535));
  }

  @Test
  void portZeroIsAnOrdinaryMember() {
    PortRanges ranges = PortRanges.parse("[0-0]");

    assertEquals(1, ranges.size());
    assertTrue(ranges.contains(0));
    assertEquals("[0-0]", ranges.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "[0-0]",
        "[0-65535]",
        "[1-2, 4-5]",
        "[31000-31005, 31010-31010]",
        "[65535-65535]"
      })
  void toStringParsesBackToAnEqualSet(String text) {
    PortRanges ranges = PortRanges.parse(text);

    assertEquals(ranges, PortRanges.parse(ranges.toString()));
    assertEquals(text, ranges.toString());
  }

  // ------------------------------------------------------------ parse errors

  private static PortRangesFormatException assertParseError(String text, String... words) {
    PortRangesFormatException e =
        assertThrows(PortRangesFormatException.class, () -> PortRanges.parse(text));
    String quoted = "'" + text + "'";
    assertTrue(
        e.getMessage().contains(quoted),
        () -> "message should quote " + quoted + ": " + e.getMessage());
    for (String word : words) {
      assertTrue(
          e.getMessage().contains(word),
          () -> "message should say '" + word + "': " + e.getMessage());
    }
    return e;
  }

  @Test
  void rejectsNull() {
    assertParseError(null, "missing");
  }

  @Test
  void rejectsEmptyText() {
    PortRangesFormatException e = assertParseError("", "empty");

    assertEquals("", e.input());
  }

  @Test
  void rejectsBlankText() {
    PortRangesFormatException e = assertParseError("   \t", "empty");

    assertEquals("   \t", e.input());
  }

  @Test
  void rejectsAMissingOpeningBracket() {
    assertParseError("1-2]", "start", "'['");
  }

  @Test
  void rejectsAMissingOpeningBracketWithoutAnyBracket() {
    assertParseError("31000-32000", "start", "'['");
  }

  @Test
  void rejectsAMissingClosingBracket() {
    assertParseError("[1-2", "end", "']'");
  }

  @Test
  void rejectsALoneOpeningBracket() {
    assertParseError("[", "end", "']'");
  }

  @Test
  void rejectsAnOddNumberOfBounds() {
    assertParseError("[1-2,3]", "pairs", "3 bound(s)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[1,5] | '1'",
        "[-1-2] | '-1-2'",
        "[1-2,] | ''",
        "[1-2-3-4] | '1-2-3-4'",
        "[1-2,,3-4] | ''",
        "[[1-2]] | '[1-2]'"
      })
  void rejectsItemsThatAreNotBeginEndPairs(String input, String item) {
    assertParseError(input, "'" + item + "' is not a range begin-end", "p-p");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[\uFF11-\uFF12]", "[\u0661-\u0662]", "[0x\uFF11-0x2]"})
  void rejectsDigitsThatAreNotAscii(String escaped) {
    String input = unescape(escaped);
    assertParseError(input, "not a port number");
  }

  private static String unescape(String escaped) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < escaped.length(); i++) {
      if (escaped.startsWith("\\u", i)) {
        text.append((char) Integer.parseInt(escaped.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        text.append(escaped.charAt(i));
      }
    }
    return text.toString();
  }

  @Test
  void rejectsASingleBound() {
    assertParseError("[80]", "pairs", "1 bound(s)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"[a-b] | 'a'", "[1-2x] | '2x'", "[0x-5] | '0x'", "[1-0xg] | '0xg'", "[+1-2] | '+1'"})
  void rejectsBoundsThatAreNotNumbers(String text, String token) {
    assertParseError(text, "not a port number", token);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1-65536]", "[0-99999999999999999999]", "[0-0x10000]", "[999999-1]"})
  void rejectsBoundsOutOfBounds(String text) {
    assertParseError(text, "out of bounds");
  }

  @Test
  void outOfBoundsMessageNamesTheBound() {
    assertParseError("[1-65536]", "65536", "out of bounds", "65535");
  }

  @Test
  void rejectsOutOfBoundsHexadecimal() {
    assertParseError("[0x10000-0x10000]", "0x10000", "out of bounds");
  }

  @Test
  void rejectsBeginGreaterThanEnd() {
    assertParseError("[200-100]", "200-100", "begin > end");
  }

  @Test
  void rejectsBeginGreaterThanEndAmongValidRanges() {
    assertParseError("[1-2, 200-100, 300-400]", "200-100", "begin > end");
  }

  @Test
  void formatExceptionIsAnIllegalArgumentException() {
    assertThrows(IllegalArgumentException.class, () -> PortRanges.parse("[a-b]"));
  }

  @Test
  void formatExceptionKeepsTheInputAsGiven() {
    PortRangesFormatException e = assertParseError("[ 1 - x ]", "not a port number");

    assertEquals("[ 1 - x ]", e.input());
  }

  // --------------------------------------------------- range() and of() errors

  @Test
  void rangeBuildsAClosedInterval() {
    PortRanges ranges = PortRanges.range(10, 12);

    assertEquals(3, ranges.size());
    assertEquals("[10-12]", ranges.toString());
  }

  @Test
  void rangeRejectsANegativeBegin() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PortRanges.range(-1, 5));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    assertTrue(e.getMessage().contains("out of bounds"), e.getMessage());
  }

  @Test
  void rangeRejectsAnEndAbove65535() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PortRanges.range(1, 65536));
    assertTrue(e.getMessage().contains("65536"), e.getMessage());
  }

  @Test
  void rangeRejectsBeginGreaterThanEnd() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PortRanges.range(200, 100));
    assertTrue(e.getMessage().contains("200"), e.getMessage());
    assertTrue(e.getMessage().contains("100"), e.getMessage());
  }

  @Test
  void rangeRecordRejectsBeginGreaterThanEnd() {
    assertThrows(IllegalArgumentException.class, () -> new PortRanges.Range(5, 4));
  }

  @Test
  void rangeRecordPrintsBeginDashEnd() {
    assertEquals("7-9", new PortRanges.Range(7, 9).toString());
  }

  @Test
  void ofMergesUnorderedDuplicatePorts() {
    PortRanges ranges = PortRanges.of(5, 3, 4, 4, 10);

    assertEquals("[3-5, 10-10]", ranges.toString());
    assertEquals(4, ranges.size());
  }

  @Test
  void ofIterableEqualsOfVarargs() {
    assertEquals(PortRanges.of(1, 2, 9), PortRanges.of(List.of(9, 2, 1)));
  }

  @Test
  void ofNothingIsEmpty() {
    assertEquals(PortRanges.empty(), PortRanges.of());
  }

  @Test
  void ofRejectsANegativePort() {
    assertThrows(IllegalArgumentException.class, () -> PortRanges.of(1, -1));
  }

  @Test
  void ofRejectsAPortAbove65535() {
    assertThrows(IllegalArgumentException.class, () -> PortRanges.of(65536));
  }

  @Test
  void ofIterableRejectsAPortAbove65535() {
    assertThrows(IllegalArgumentException.class, () -> PortRanges.of(List.of(80, 70000)));
  }

  @Test
  void fromBitSetRejectsBitsPast65535() {
    BitSet bits = new BitSet();
    bits.set(65536);

    assertThrows(IllegalArgumentException.class, () -> PortRanges.fromBitSet(bits));
  }

  // ----------------------------------------------------------------- queries

  @ParameterizedTest
  @ValueSource(ints = {-1, -65535, Integer.MIN_VALUE, 65536, 100_000, Integer.MAX_VALUE})
  void containsIsFalseForIntsThatAreNotPorts(int port) {
    assertFalse(PortRanges.all().contains(port));
  }

  @Test
  void containsChecksBothEndsOfEveryRange() {
    PortRanges ranges = PortRanges.parse("[10-20, 30-30]");

    assertFalse(ranges.contains(9));
    assertTrue(ranges.contains(10));
    assertTrue(ranges.contains(20));
    assertFalse(ranges.contains(21));
    assertFalse(ranges.contains(29));
    assertTrue(ranges.contains(30));
    assertFalse(ranges.contains(31));
  }

  @Test
  void emptyContainsNothing() {
    assertFalse(PortRanges.empty().contains(0));
    assertEquals(0, PortRanges.empty().size());
  }

  @Test
  void sizeCountsEveryPortOfEveryRange() {
    assertEquals(6 + 1 + 11, PortRanges.parse("[1-6, 8-8, 10-20]").size());
  }

  @Test
  void rangesListsMergedRangesAscending() {
    assertEquals(
        List.of(new PortRanges.Range(1, 4), new PortRanges.Range(10, 10)),
        PortRanges.parse("[10-10, 3-4, 1-2]").ranges());
  }

  @Test
  void rangesIsUnmodifiable() {
    List<PortRanges.Range> ranges = PortRanges.range(1, 2).ranges();

    assertThrows(UnsupportedOperationException.class, () -> ranges.add(new PortRanges.Range(5, 5)));
  }

  @Test
  void rangesOfTheEmptySetIsEmpty() {
    assertTrue(PortRanges.empty().ranges().isEmpty());
  }

  @Test
  void portsStreamsEveryPortAscending() {
    assertArrayEquals(
        new int[] {1, 2, 3, 7, 65534, 65535},
        PortRanges.parse("[65534-65535, 7-7, 1-3]").ports().toArray());
  }

  @Test
  void iteratorVisitsEveryPortAscending() {
    var iterator = PortRanges.of(4, 2).iterator();

    assertEquals(2, iterator.nextInt());
    assertEquals(4, iterator.nextInt());
    assertFalse(iterator.hasNext());
  }

  @Test
  void toBitSetSetsTheBitOfEveryPort() {
    BitSet bits = PortRanges.parse("[1-3, 65535-65535]").toBitSet();

    assertEquals(4, bits.cardinality());
    assertTrue(bits.get(1));
    assertTrue(bits.get(3));
    assertFalse(bits.get(4));
    assertTrue(bits.get(65535));
    assertFalse(bits.get(0));
  }

  @Test
  void toBitSetAndFromBitSetRoundTrip() {
    PortRanges ranges = PortRanges.parse("[0-5, 100-200, 65535-65535]");

    assertEquals(ranges, PortRanges.fromBitSet(ranges.toBitSet()));
  }

  @Test
  void toBitSetReturnsAFreshCopy() {
    PortRanges ranges = PortRanges.range(1, 2);
    ranges.toBitSet().set(50);

    assertFalse(ranges.contains(50));
    assertFalse(ranges.toBitSet().get(50));
  }

  // ------------------------------------------------------------- set algebra

  @Test
  void intersectKeepsCommonPorts() {
    PortRanges a = PortRanges.parse("[1-10, 20-30]");
    PortRanges b = PortRanges.parse("[5-25]");

    assertEquals(PortRanges.parse("[5-10, 20-25]"), a.intersect(b));
    assertEquals(a.intersect(b), b.intersect(a));
  }

  @Test
  void intersectOfDisjointSetsIsEmpty() {
    assertTrue(PortRanges.range(1, 5).intersect(PortRanges.range(6, 10)).isEmpty());
  }

  @Test
  void intersectWithEmptyIsEmpty() {
    assertTrue(PortRanges.all().intersect(PortRanges.empty()).isEmpty());
    assertTrue(PortRanges.empty().intersect(PortRanges.all()).isEmpty());
  }

  @Test
  void intersectWithAllIsItself() {
    PortRanges ranges = PortRanges.parse("[0-0, 80-80, 65535-65535]");

    assertEquals(ranges, ranges.intersect(PortRanges.all()));
  }

  @Test
  void minusRemovesPortsFromTheMiddleAndTheEnds() {
    PortRanges result = PortRanges.range(1, 10).minus(PortRanges.parse("[1-1, 4-5, 10-10]"));

    assertEquals("[2-3, 6-9]", result.toString());
  }

  @Test
  void minusAcrossSeveralRanges() {
    PortRanges result =
        PortRanges.parse("[1-10, 20-30, 40-50]").minus(PortRanges.parse("[5-25, 45-60]"));

    assertEquals("[1-4, 26-30, 40-44]", result.toString());
  }

  @Test
  void minusOfItselfIsEmpty() {
    PortRanges ranges = PortRanges.parse("[1-10, 20-30]");

    assertTrue(ranges.minus(ranges).isEmpty());
  }

  @Test
  void unionMergesBothSets() {
    assertEquals(
        "[1-4, 10-10]",
        PortRanges.parse("[1-2, 10-10]").union(PortRanges.parse("[3-4]")).toString());
  }

  @Test
  void containsAllChecksSubsets() {
    PortRanges big = PortRanges.range(1, 100);

    assertTrue(big.containsAll(PortRanges.of(1, 50, 100)));
    assertTrue(big.containsAll(PortRanges.empty()));
    assertFalse(big.containsAll(PortRanges.of(1, 101)));
  }

  // -------------------------------------------------------- equals/hashCode

  @Test
  void equalSetsWrittenDifferentlyAreEqualWithEqualHashCodes() {
    PortRanges a = PortRanges.parse("[1-2, 3-4, 10-10]");
    PortRanges b = PortRanges.of(1, 2, 3, 4, 10);
    PortRanges c = PortRanges.parse("[0x1-0x4, 0xa-0xa]");

    assertEquals(a, b);
    assertEquals(a, c);
    assertEquals(a.hashCode(), b.hashCode());
    assertEquals(a.hashCode(), c.hashCode());
  }

  @Test
  void differentSetsAreNotEqual() {
    assertNotEquals(PortRanges.range(1, 4), PortRanges.range(1, 5));
    assertNotEquals(PortRanges.parse("[1-2, 4-5]"), PortRanges.range(1, 5));
    assertNotEquals(PortRanges.empty(), PortRanges.range(0, 0));
  }

  @Test
  void notEqualToOtherTypesOrNull() {
    PortRanges ranges = PortRanges.range(1, 2);

    assertFalse(ranges.equals(null));
    assertFalse(ranges.equals("[1-2]"));
  }

  @Test
  void emptyAndAllEqualTheirSpelledOutForms() {
    assertEquals(PortRanges.empty(), PortRanges.of(List.of()));
    assertEquals(PortRanges.all(), PortRanges.range(0, 65535));
  }
}
