package dev.portcullis.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.IntStream;

/**
 * An immutable set of TCP/UDP ports, 0 to 65535, kept as sorted, merged, closed intervals.
 *
 * <p>Two instances are equal exactly when they hold the same ports, however they were written:
 * overlapping and adjacent ranges are merged on construction ({@code [1-2, 3-4]} is {@code [1-4]}).
 * Every port, 0 and 65535 included, is an ordinary member: {@code [1024-65535]} contains 65535.
 *
 * <p>{@link #parse(String)} reads the Mesos range grammar and {@link #toString()} prints it, so
 * {@code parse(r.toString()).equals(r)} for every {@code r}.
 *
 * <p>Instances are thread-safe. Every method returns a non-null result and never mutates {@code
 * this}.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class PortRanges {

  /** The smallest port. */
  public static final int MIN_PORT = 0;

  /** The largest port. */
  public static final int MAX_PORT = 65535;

  private static final PortRanges EMPTY = new PortRanges(new int[0]);
  private static final PortRanges ALL = new PortRanges(new int[] {MIN_PORT, MAX_PORT});

  /** Flat {@code [b0, e0, b1, e1, ...]}, sorted, merged, gaps of at least one port. */
  private final int[] bounds;

  private PortRanges(int[] bounds) {
    this.bounds = bounds;
  }

  /** {@return the empty set} */
  public static PortRanges empty() {
    return EMPTY;
  }

  /** {@return every port from 0 to 65535} */
  public static PortRanges all() {
    return ALL;
  }

  /**
   * {@return the closed interval {@code [begin, end]}}
   *
   * @param begin the first port
   * @param end the last port
   * @throws IllegalArgumentException if a bound is outside 0..65535 or {@code begin > end}
   */
  public static PortRanges range(int begin, int end) {
    checkPort(begin);
    checkPort(end);
    if (begin > end) {
      throw new IllegalArgumentException(
          "Range begin " + begin + " is greater than its end " + end);
    }
    return new PortRanges(new int[] {begin, end});
  }

  /**
   * {@return the set of the given ports, in any order, duplicates allowed}
   *
   * @param ports the ports
   * @throws IllegalArgumentException if a port is outside 0..65535
   */
  public static PortRanges of(int... ports) {
    return fromPorts(Arrays.stream(ports));
  }

  /**
   * {@return the set of the given ports}
   *
   * @param ports the ports, in any order, duplicates allowed
   * @throws IllegalArgumentException if a port is outside 0..65535
   */
  public static PortRanges of(Iterable<Integer> ports) {
    // A scan makes one of these per container: an array, not a stream.
    int[] array = new int[16];
    int count = 0;
    for (int port : ports) {
      if (count == array.length) {
        array = Arrays.copyOf(array, count * 2);
      }
      array[count++] = port;
    }
    return fromPorts(array, count);
  }

  /**
   * {@return the set of the ports whose bits are set; bits past 65535 are an error}
   *
   * @param ports the set whose bit {@code p} stands for port {@code p}
   * @throws IllegalArgumentException if a bit past 65535 is set
   */
  public static PortRanges fromBitSet(BitSet ports) {
    return fromPorts(ports.stream());
  }

  private static PortRanges fromPorts(IntStream ports) {
    int[] array = ports.toArray();
    return fromPorts(array, array.length);
  }

  /** The set of the first {@code count} ports of {@code ports}, which it sorts in place. */
  private static PortRanges fromPorts(int[] ports, int count) {
    for (int i = 0; i < count; i++) {
      checkPort(ports[i]);
    }
    Arrays.sort(ports, 0, count);
    // The builder merges a port equal or adjacent to the last one into its range.
    Builder builder = new Builder();
    for (int i = 0; i < count; i++) {
      builder.add(ports[i], ports[i]);
    }
    return builder.build();
  }

  /**
   * Parses the Mesos range grammar, for example {@code [31000-31005, 31010-31010]}.
   *
   * <p>Whitespace anywhere is ignored. The text must start with {@code [} and end with {@code ]};
   * between them, comma-separated ranges {@code begin-end}, each bound a decimal number or a
   * hexadecimal one with a {@code 0x} prefix, ASCII digits only. Overlapping and adjacent ranges
   * merge. {@code []} is the empty set.
   *
   * <p>Unlike Mesos, a range whose begin is greater than its end is an error, not an empty range; a
   * range may end at 65535; and bounds must be written as {@code begin-end} pairs, where Mesos
   * pairs up any even number of bounds however they are separated ({@code [1,5]} would be {@code
   * [1-5]}).
   *
   * @param text the ranges, for example {@code [31000-31005]}
   * @return the set of the ports the ranges cover
   * @throws PortRangesFormatException for empty text, a missing bracket, an odd number of bounds,
   *     an item that is not {@code begin-end}, a bound that is not a number, a bound above 65535,
   *     or a begin greater than its end; the message quotes the input
   */
  public static PortRanges parse(String text) {
    if (text == null) {
      throw new PortRangesFormatException("null", "the text is missing");
    }
    String compact = text.replaceAll("\\s+", "");
    if (compact.isEmpty()) {
      throw new PortRangesFormatException(text, "the text is empty; write [] for no ports");
    }
    if (compact.charAt(0) != '[') {
      throw new PortRangesFormatException(text, "it must start with '['");
    }
    if (compact.charAt(compact.length() - 1) != ']') {
      throw new PortRangesFormatException(text, "it must end with ']'");
    }
    List<String> tokens = new ArrayList<>();
    for (String token : compact.split("[\\[\\]\\-,]", -1)) {
      if (!token.isEmpty()) {
        tokens.add(token);
      }
    }
    if (tokens.size() % 2 != 0) {
      throw new PortRangesFormatException(
          text,
          "expected begin-end pairs but found "
              + tokens.size()
              + " bound(s); write a single port p as p-p");
    }
    // Mesos pairs up the bounds however they are separated, so that [1,5] means 1-5 and [-1-2]
    // means 1-2; each item must be begin-end here, so that neither surprises anyone.
    String inner = compact.substring(1, compact.length() - 1);
    if (!inner.isEmpty()) {
      for (String item : inner.split(",", -1)) {
        if (!item.matches("[^\\-\\[\\]]+-[^\\-\\[\\]]+")) {
          throw new PortRangesFormatException(
              text, "'" + item + "' is not a range begin-end; write a single port p as p-p");
        }
      }
    }
    int[] pairs = new int[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      pairs[i] = parseBound(text, tokens.get(i));
    }
    int[][] ranges = new int[pairs.length / 2][];
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i] > pairs[i + 1]) {
        throw new PortRangesFormatException(
            text, "range " + tokens.get(i) + "-" + tokens.get(i + 1) + " has begin > end");
      }
      ranges[i / 2] = new int[] {pairs[i], pairs[i + 1]};
    }
    return merge(ranges);
  }

  private static PortRanges merge(int[][] ranges) {
    Arrays.sort(ranges, (a, b) -> Integer.compare(a[0], b[0]));
    Builder builder = new Builder();
    for (int[] range : ranges) {
      builder.add(range[0], range[1]);
    }
    return builder.build();
  }

  private static int parseBound(String text, String token) {
    boolean hex = token.startsWith("0x") || token.startsWith("0X");
    String digits = hex ? token.substring(2) : token;
    int radix = hex ? 16 : 10;
    // Character.digit accepts every Unicode digit; the grammar has only ASCII ones.
    String valid = hex ? "0123456789abcdefABCDEF" : "0123456789";
    if (digits.isEmpty() || !digits.chars().allMatch(c -> valid.indexOf(c) >= 0)) {
      throw new PortRangesFormatException(text, "'" + token + "' is not a port number");
    }
    // Strip leading zeros so that the length check below is meaningful.
    String significant = digits.replaceFirst("^0+(?=.)", "");
    if (significant.length() > 6 || Integer.parseInt(significant, radix) > MAX_PORT) {
      throw new PortRangesFormatException(
          text, "port " + token + " is out of bounds; ports are 0 to " + MAX_PORT);
    }
    return Integer.parseInt(significant, radix);
  }

  private static void checkPort(int port) {
    if (port < MIN_PORT || port > MAX_PORT) {
      throw new IllegalArgumentException(
          "Port " + port + " is out of bounds; ports are " + MIN_PORT + " to " + MAX_PORT);
    }
  }

  /**
   * {@return whether {@code port} is in this set; any int may be asked}
   *
   * @param port the port to look for
   */
  public boolean contains(int port) {
    int i = indexOfRangeAtOrBefore(port);
    return i >= 0 && port <= bounds[2 * i + 1];
  }

  /**
   * {@return whether every port of {@code other} is in this set}
   *
   * @param other the ports that may all be in this set
   */
  public boolean containsAll(PortRanges other) {
    return other.minus(this).isEmpty();
  }

  /**
   * {@return the ports in this set, in {@code other}, or in both}
   *
   * @param other the ports to add
   */
  public PortRanges union(PortRanges other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    int[][] all = new int[rangeCount() + other.rangeCount()][];
    int n = 0;
    for (int i = 0; i < rangeCount(); i++) {
      all[n++] = new int[] {bounds[2 * i], bounds[2 * i + 1]};
    }
    for (int i = 0; i < other.rangeCount(); i++) {
      all[n++] = new int[] {other.bounds[2 * i], other.bounds[2 * i + 1]};
    }
    return merge(all);
  }

  /**
   * {@return the ports in this set that are not in {@code other}}
   *
   * @param other the ports to take out
   */
  public PortRanges minus(PortRanges other) {
    if (isEmpty() || other.isEmpty()) {
      return this;
    }
    Builder builder = new Builder();
    int j = 0;
    for (int i = 0; i < rangeCount(); i++) {
      int begin = bounds[2 * i];
      int end = bounds[2 * i + 1];
      while (j < other.rangeCount() && other.bounds[2 * j + 1] < begin) {
        j++;
      }
      int k = j;
      while (begin <= end && k < other.rangeCount() && other.bounds[2 * k] <= end) {
        int cutBegin = other.bounds[2 * k];
        int cutEnd = other.bounds[2 * k + 1];
        if (cutBegin > begin) {
          builder.add(begin, cutBegin - 1);
        }
        if (cutEnd >= end) {
          begin = end + 1;
        } else {
          begin = Math.max(begin, cutEnd + 1);
        }
        k++;
      }
      if (begin <= end) {
        builder.add(begin, end);
      }
    }
    return builder.build();
  }

  /**
   * {@return the ports in both this set and {@code other}}
   *
   * @param other the ports to keep, where this set has them too
   */
  public PortRanges intersect(PortRanges other) {
    return minus(minus(other));
  }

  /** {@return whether this set holds no port} */
  public boolean isEmpty() {
    return bounds.length == 0;
  }

  /** {@return the number of ports in this set, 0 to 65536} */
  public int size() {
    int size = 0;
    for (int i = 0; i < bounds.length; i += 2) {
      size += bounds[i + 1] - bounds[i] + 1;
    }
    return size;
  }

  /**
   * {@return the merged ranges in ascending order; an unmodifiable list, empty for the empty set}
   */
  public List<Range> ranges() {
    List<Range> ranges = new ArrayList<>(rangeCount());
    for (int i = 0; i < rangeCount(); i++) {
      ranges.add(new Range(bounds[2 * i], bounds[2 * i + 1]));
    }
    return Collections.unmodifiableList(ranges);
  }

  /** {@return every port in ascending order} */
  public IntStream ports() {
    return IntStream.range(0, rangeCount())
        .flatMap(i -> IntStream.rangeClosed(bounds[2 * i], bounds[2 * i + 1]));
  }

  /** {@return a {@link BitSet} with the bit of every port in this set} */
  public BitSet toBitSet() {
    BitSet bits = new BitSet(MAX_PORT + 1);
    for (int i = 0; i < bounds.length; i += 2) {
      bits.set(bounds[i], bounds[i + 1] + 1);
    }
    return bits;
  }

  /** {@return an iterator over every port, ascending} */
  public PrimitiveIterator.OfInt iterator() {
    return ports().iterator();
  }

  private int rangeCount() {
    return bounds.length / 2;
  }

  /** Index of the last range whose begin is at most {@code port}, or -1. */
  private int indexOfRangeAtOrBefore(int port) {
    int low = 0;
    int high = rangeCount() - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (bounds[2 * mid] <= port) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /**
   * The Mesos form: {@code [b-e, b-e]}, ranges ascending, a single port as {@code p-p}, the empty
   * set as {@code []}.
   */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < bounds.length; i += 2) {
      if (i > 0) {
        text.append(", ");
      }
      text.append(bounds[i]).append('-').append(bounds[i + 1]);
    }
    return text.append(']').toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PortRanges that && Arrays.equals(bounds, that.bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bounds);
  }

  /**
   * One closed interval of ports, {@code begin <= end}.
   *
   * @param begin the first port
   * @param end the last port, at least {@code begin}
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
  public record Range(int begin, int end) {

    /**
     * Checks the bounds: both 0..65535 and {@code begin <= end}.
     *
     * @param begin the first port
     * @param end the last port
     */
    public Range {
      PortRanges.range(begin, end);
    }

    @Override
    public String toString() {
      return begin + "-" + end;
    }
  }

  /** Appends ranges in ascending order of begin, merging overlaps and neighbours. */
  private static final class Builder {
    private int[] bounds = new int[8];
    private int length;

    void add(int begin, int end) {
      if (length > 0 && begin <= bounds[length - 1] + 1) {
        bounds[length - 1] = Math.max(bounds[length - 1], end);
        return;
      }
      if (length == bounds.length) {
        bounds = Arrays.copyOf(bounds, length * 2);
      }
      bounds[length++] = begin;
      bounds[length++] = end;
    }

    PortRanges build() {
      if (length == 0) {
        return EMPTY;
      }
      return new PortRanges(Arrays.copyOf(bounds, length));
    }
  }
}
