package dev.portcullis.bpf.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.api.PortRanges;
import java.util.BitSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** A bitmap holds exactly its set's ports, in the layout the programs read. */
class PortBitmapTest {

  @Provide
  Arbitrary<PortRanges> sets() {
    return Allowances.portRanges();
  }

  @Property(tries = 200)
  void aBitmapHoldsExactlyItsPorts(@ForAll("sets") PortRanges ports) {
    byte[] bitmap = PortBitmap.of(ports);
    assertEquals(PortBitmap.BYTES, bitmap.length);
    for (int port = 0; port <= PortRanges.MAX_PORT; port++) {
      // The programs' test: bit (port & 7) of byte (port >> 3).
      boolean set = ((bitmap[port >> 3] >> (port & 7)) & 1) == 1;
      if (set != ports.contains(port)) {
        throw new AssertionError("port " + port + " in " + ports);
      }
      if (PortBitmap.contains(bitmap, port) != set) {
        throw new AssertionError("contains disagrees at " + port);
      }
    }
    assertEquals(ports, PortBitmap.ports(bitmap));
  }

  @Property(tries = 200)
  void theUnionOfBitmapsIsTheBitmapOfTheUnion(
      @ForAll("sets") PortRanges a, @ForAll("sets") PortRanges b) {
    assertEquals(
        a.union(b), PortBitmap.ports(PortBitmap.union(PortBitmap.of(a), PortBitmap.of(b))));
  }

  @Property(tries = 200)
  void asLittleEndianWordsPortPIsBitPMod64OfWordPDiv64(@ForAll("sets") PortRanges ports) {
    // The programs record refused ports with an atomic or on u64 words; the bytes must agree.
    byte[] bitmap = PortBitmap.of(ports);
    long[] words = BitSet.valueOf(bitmap).toLongArray();
    for (int port : ports.ports().toArray()) {
      assertEquals(1, (words[port >> 6] >>> (port & 63)) & 1, "port " + port);
    }
  }

  @Test
  void theEdgesAreTheirOwnBits() {
    byte[] bitmap = PortBitmap.of(PortRanges.of(0, 65535));
    assertEquals(1, bitmap[0]);
    assertEquals((byte) 0x80, bitmap[8191]);
    assertEquals(PortRanges.of(0, 65535), PortBitmap.ports(bitmap));
  }

  @Test
  void aBitmapOfTheWrongSizeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> PortBitmap.ports(new byte[8191]));
    assertThrows(IllegalArgumentException.class, () -> PortBitmap.contains(new byte[1], 0));
  }
}
