package dev.portcullis.bpf.guard;

import dev.portcullis.api.PortRanges;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A set of ports as the guard's programs read it: 8192 bytes, port {@code p} in bit {@code p & 7}
 * of byte {@code p >> 3}. On a little-endian host that is also the layout of 1024 u64 words with
 * port {@code p} in bit {@code p & 63} of word {@code p >> 6}, which is how the programs record
 * refused ports with atomic or.
 *
 * @since 0.2
 */
public final class PortBitmap {

  /** The size of a bitmap: one bit per port 0–65535. */
  public static final int BYTES = (PortRanges.MAX_PORT + 1) / Byte.SIZE;

  private PortBitmap() {}

  /** The bitmap of {@code ports}. */
  public static byte[] of(PortRanges ports) {
    byte[] bitmap = new byte[BYTES];
    // BitSet's bytes are little-endian bit order, the layout above; trailing zero bytes are cut.
    byte[] set = ports.toBitSet().toByteArray();
    System.arraycopy(set, 0, bitmap, 0, set.length);
    return bitmap;
  }

  /** The ports whose bits are set. */
  public static PortRanges ports(byte[] bitmap) {
    checkSize(bitmap);
    BitSet bits = BitSet.valueOf(bitmap);
    List<PortRanges> runs = new ArrayList<>();
    for (int begin = bits.nextSetBit(0); begin >= 0; begin = bits.nextSetBit(begin)) {
      int end = bits.nextClearBit(begin);
      runs.add(PortRanges.range(begin, end - 1));
      begin = end;
    }
    return union(runs, 0, runs.size());
  }

  /** The union of runs [from, to), halving: one run at a time would cost runs² steps. */
  private static PortRanges union(List<PortRanges> runs, int from, int to) {
    if (to - from == 0) {
      return PortRanges.empty();
    }
    if (to - from == 1) {
      return runs.get(from);
    }
    int middle = (from + to) >>> 1;
    return union(runs, from, middle).union(union(runs, middle, to));
  }

  /** Whether the bit of {@code port} is set, read the way the programs read it. */
  public static boolean contains(byte[] bitmap, int port) {
    checkSize(bitmap);
    return (bitmap[port >>> 3] >>> (port & 7) & 1) != 0;
  }

  /** The bitwise union of two bitmaps. */
  public static byte[] union(byte[] a, byte[] b) {
    checkSize(a);
    checkSize(b);
    byte[] union = new byte[BYTES];
    for (int i = 0; i < BYTES; i++) {
      union[i] = (byte) (a[i] | b[i]);
    }
    return union;
  }

  private static void checkSize(byte[] bitmap) {
    if (bitmap.length != BYTES) {
      throw new IllegalArgumentException(
          "A port bitmap has " + BYTES + " bytes, not " + bitmap.length);
    }
  }
}
