package dev.portcullis.agent.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RecentDurationsTest {

  @Test
  void quantilesAreNearestRanks() {
    RecentDurations ring = new RecentDurations(10);
    for (long d : new long[] {5, 1, 4, 2, 3}) {
      ring.add(d);
    }
    assertArrayEquals(new long[] {1, 3, 5, 5}, ring.quantiles(0.0, 0.5, 0.9, 1.0));
  }

  @Test
  void theOldestAreDroppedOnceTheRingIsFull() {
    RecentDurations ring = new RecentDurations(3);
    for (long d = 100; d < 110; d++) {
      ring.add(d);
    }
    assertEquals(3, ring.size());
    assertArrayEquals(new long[] {107, 108, 109}, ring.quantiles(0.1, 0.5, 1.0));
  }

  @Test
  void anEmptyRingHasNoQuantiles() {
    assertEquals(0, new RecentDurations(4).quantiles(0.5).length);
    assertThrows(IllegalArgumentException.class, () -> new RecentDurations(0));
  }
}
