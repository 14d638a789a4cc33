package dev.portcullis.bpf.guard;

import dev.portcullis.api.GuardRefusals;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads what a guard refused from its {@link GuardEntry#COUNTERS}, {@link GuardEntry#REFUSED_PORTS}
 * and {@link GuardEntry#STOPPED_PORTS} entries.
 *
 * @since 0.2
 */
public final class RefusalEntries {

  private RefusalEntries() {}

  /**
   * The refusals recorded in the three entries' values, as the map holds them (little-endian u64
   * counters; the refused binds' ports; the stopped listeners' ports).
   */
  public static GuardRefusals decode(byte[] counters, byte[] refusedPorts, byte[] stoppedPorts) {
    ByteBuffer words = ByteBuffer.wrap(counters).order(ByteOrder.LITTLE_ENDIAN);
    return new GuardRefusals(
        unsigned(words.getLong(GuardMap.REFUSED_BINDS)),
        unsigned(words.getLong(GuardMap.STOPPED_LISTENERS)),
        PortBitmap.ports(refusedPorts),
        PortBitmap.ports(stoppedPorts));
  }

  /**
   * The counts alone, from the {@link GuardEntry#COUNTERS} value, with {@code last}'s ports: when
   * the counts have not changed, neither have the recorded ports, and the bigger entry need not be
   * read again.
   */
  public static GuardRefusals counts(byte[] counters, GuardRefusals last) {
    ByteBuffer words = ByteBuffer.wrap(counters).order(ByteOrder.LITTLE_ENDIAN);
    return new GuardRefusals(
        unsigned(words.getLong(GuardMap.REFUSED_BINDS)),
        unsigned(words.getLong(GuardMap.STOPPED_LISTENERS)),
        last.ports(),
        last.listenerPorts());
  }

  /** A u64 counter never reaches 2^63 in practice; clamp rather than report a negative count. */
  private static long unsigned(long counter) {
    return counter < 0 ? Long.MAX_VALUE : counter;
  }
}
