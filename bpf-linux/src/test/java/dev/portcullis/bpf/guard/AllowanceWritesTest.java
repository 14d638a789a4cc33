package dev.portcullis.bpf.guard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Replaying the writes of an update one at a time: at no step is a bind refused that both the old
 * and the new allowance permit, and the last step leaves exactly the new allowance.
 */
class AllowanceWritesTest {

  @Provide
  Arbitrary<BindAllowance> allowances() {
    return Allowances.allowances();
  }

  @Property(tries = 60)
  void noStepRefusesWhatBothAllow(
      @ForAll("allowances") BindAllowance before, @ForAll("allowances") BindAllowance after) {
    AllowanceBitmaps current = AllowanceBitmaps.of(before);
    AllowanceBitmaps next = AllowanceBitmaps.of(after);
    Map<GuardEntry, byte[]> map = mapHolding(current);
    replay(AllowanceWrites.update(current, next), map, before, after);
    assertHolds(next, map);
  }

  /**
   * An update that fails after any number of writes is undone by the update back, and neither
   * refuses at any step what both allowances allow.
   */
  @Property(tries = 60)
  void anUpdateUndoneHalfWayNeverRefusesWhatBothAllow(
      @ForAll("allowances") BindAllowance before,
      @ForAll("allowances") BindAllowance after,
      @ForAll @IntRange(min = 0, max = 6) int done) {
    AllowanceBitmaps current = AllowanceBitmaps.of(before);
    AllowanceBitmaps next = AllowanceBitmaps.of(after);
    Map<GuardEntry, byte[]> map = mapHolding(current);
    replay(AllowanceWrites.update(current, next).subList(0, done), map, before, after);
    replay(AllowanceWrites.update(next, current), map, before, after);
    assertHolds(current, map);
  }

  private static Map<GuardEntry, byte[]> mapHolding(AllowanceBitmaps bitmaps) {
    Map<GuardEntry, byte[]> map = new EnumMap<>(GuardEntry.class);
    for (GuardEntry entry : GuardEntry.values()) {
      if (entry != GuardEntry.COUNTERS
          && entry != GuardEntry.REFUSED_PORTS
          && entry != GuardEntry.STOPPED_PORTS) {
        map.put(entry, bitmaps.get(entry));
      }
    }
    return map;
  }

  private static void assertHolds(AllowanceBitmaps expected, Map<GuardEntry, byte[]> map) {
    for (GuardEntry entry : map.keySet()) {
      assertArrayEquals(expected.get(entry), map.get(entry), entry + " ends as expected");
    }
  }

  /** Applies the writes one by one, checking after each that no port both allow is refused. */
  private static void replay(
      List<EntryWrite> writes, Map<GuardEntry, byte[]> map, BindAllowance a, BindAllowance b) {
    for (EntryWrite write : writes) {
      map.put(write.entry(), write.value());
      AllowanceBitmaps state = AllowanceBitmaps.of(map);
      for (Protocol protocol : Protocol.values()) {
        BindAllowance.Rule first = a.rule(protocol);
        BindAllowance.Rule second = b.rule(protocol);
        for (int port = 1; port <= PortRanges.MAX_PORT; port++) {
          if (first.allowsNamed(port)
              && second.allowsNamed(port)
              && !state.allowsNamed(protocol, port)) {
            throw new AssertionError(
                "after " + write + ", a named " + protocol + " bind of " + port + " is refused");
          }
          if (first.allowsPicked(port)
              && second.allowsPicked(port)
              && !state.allowsPicked(protocol, port)) {
            throw new AssertionError(
                "after " + write + ", a picked " + protocol + " port " + port + " is refused");
          }
        }
      }
    }
  }

  @Property(tries = 60)
  void fillingWritesEveryAllowanceBitmapOnce(@ForAll("allowances") BindAllowance allowance) {
    AllowanceBitmaps bitmaps = AllowanceBitmaps.of(allowance);
    List<EntryWrite> writes = AllowanceWrites.fill(bitmaps);
    assertEquals(
        List.of(
            GuardEntry.TCP_PICKED,
            GuardEntry.UDP_PICKED,
            GuardEntry.TCP_BINDABLE,
            GuardEntry.UDP_BINDABLE),
        writes.stream().map(EntryWrite::entry).toList());
    for (EntryWrite write : writes) {
      assertArrayEquals(bitmaps.get(write.entry()), write.value());
    }
  }
}
