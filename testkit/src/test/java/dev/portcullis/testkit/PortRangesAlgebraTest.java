package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.PortRanges;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The {@link PortRanges} algebra against a {@link BitSet} oracle. */
class PortRangesAlgebraTest {

  private static BitSet bits(PortRanges ranges) {
    BitSet bits = new BitSet(65536);
    ranges.ranges().forEach(r -> bits.set(r.begin(), r.end() + 1));
    return bits;
  }

  @Provide
  Arbitrary<List<int[]>> rawRanges() {
    return PortcullisArbitraries.rawRanges();
  }

  @Provide
  Arbitrary<Integer> ports() {
    return PortcullisArbitraries.ports();
  }

  @Property(tries = 1000)
  void printThenParseIsIdentity(@ForAll PortRanges ranges) {
    assertEquals(ranges, PortRanges.parse(ranges.toString()));
  }

  @Property(tries = 1000)
  void parsingUnmergedRangesYieldsTheirUnion(@ForAll("rawRanges") List<int[]> raw) {
    BitSet expected = new BitSet();
    raw.forEach(r -> expected.set(r[0], r[1] + 1));
    String text =
        raw.stream().map(r -> r[0] + "-" + r[1]).collect(Collectors.joining(",", "[", "]"));
    PortRanges parsed = PortRanges.parse(text);
    assertEquals(expected, bits(parsed), text);
    assertEquals(expected.cardinality(), parsed.size());
  }

  @Property(tries = 1000)
  void unionMatchesOr(@ForAll PortRanges a, @ForAll PortRanges b) {
    BitSet expected = bits(a);
    expected.or(bits(b));
    assertEquals(expected, bits(a.union(b)));
    assertEquals(a.union(b), b.union(a));
  }

  @Property(tries = 1000)
  void minusMatchesAndNot(@ForAll PortRanges a, @ForAll PortRanges b) {
    BitSet expected = bits(a);
    expected.andNot(bits(b));
    assertEquals(expected, bits(a.minus(b)));
  }

  @Property(tries = 1000)
  void intersectMatchesAnd(@ForAll PortRanges a, @ForAll PortRanges b) {
    BitSet expected = bits(a);
    expected.and(bits(b));
    assertEquals(expected, bits(a.intersect(b)));
  }

  @Property(tries = 1000)
  void containsAllMatchesSubset(@ForAll PortRanges a, @ForAll PortRanges b) {
    BitSet outside = bits(b);
    outside.andNot(bits(a));
    assertEquals(outside.isEmpty(), a.containsAll(b));
    assertEquals(true, a.union(b).containsAll(b));
  }

  @Property(tries = 1000)
  void containsMatchesBit(@ForAll PortRanges a, @ForAll("ports") int port) {
    assertEquals(bits(a).get(port), a.contains(port));
    assertEquals(bits(a).cardinality(), a.size());
  }

  @Property(tries = 200)
  void theEdgePortsAreOrdinary(@ForAll PortRanges a) {
    PortRanges withEdges = a.union(PortRanges.of(0, 65535));
    assertEquals(true, withEdges.contains(0));
    assertEquals(true, withEdges.contains(65535));
    assertEquals(withEdges, PortRanges.parse(withEdges.toString()));
    assertEquals(false, withEdges.minus(PortRanges.of(0, 65535)).contains(65535));
    assertEquals(bits(a).get(65535), a.contains(65535));
  }

  @Property(tries = 1)
  void aRangeEndingAt65535ProtectsItsLastPort() {
    PortRanges high = PortRanges.parse("[1024-65535]");
    assertEquals(64512, high.size());
    assertEquals(true, high.contains(65535));
    assertEquals(PortRanges.all(), PortRanges.parse("[0-65535]"));
    assertEquals(65536, PortRanges.all().size());
  }
}
