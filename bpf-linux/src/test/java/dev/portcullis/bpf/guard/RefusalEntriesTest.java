package dev.portcullis.bpf.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The counters entry is two little-endian u64 words; the refused ports a bitmap. */
class RefusalEntriesTest {

  @Test
  void decodesTheCountersAndThePorts() {
    byte[] counters = new byte[GuardMap.VALUE_SIZE];
    ByteBuffer.wrap(counters).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 7).putLong(8, 2);
    GuardRefusals refusals =
        RefusalEntries.decode(
            counters, PortBitmap.of(PortRanges.of(80, 65535)), PortBitmap.of(PortRanges.of(443)));
    assertEquals(
        new GuardRefusals(7, 2, PortRanges.of(80, 443, 65535), PortRanges.of(443)), refusals);
  }

  @Test
  void anOverflowedCounterIsClampedNotNegative() {
    byte[] counters = new byte[GuardMap.VALUE_SIZE];
    ByteBuffer.wrap(counters).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
    assertEquals(
        Long.MAX_VALUE,
        RefusalEntries.decode(
                counters, new byte[GuardMap.VALUE_SIZE], new byte[GuardMap.VALUE_SIZE])
            .binds());
  }
}
