package dev.portcullis.bpf.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import java.util.EnumMap;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The bitmaps decide every port exactly as the allowance's rules do, and reading them back gives an
 * allowance that decides the same.
 */
class AllowanceBitmapsTest {

  @Provide
  Arbitrary<BindAllowance> allowances() {
    return Allowances.allowances();
  }

  @Property(tries = 150)
  void theBitmapsDecideEveryPortAsTheRulesDo(@ForAll("allowances") BindAllowance allowance) {
    AllowanceBitmaps bitmaps = AllowanceBitmaps.of(allowance);
    for (Protocol protocol : Protocol.values()) {
      BindAllowance.Rule rule = allowance.rule(protocol);
      for (int port = 1; port <= PortRanges.MAX_PORT; port++) {
        if (bitmaps.allowsNamed(protocol, port) != rule.allowsNamed(port)
            || bitmaps.allowsPicked(protocol, port) != rule.allowsPicked(port)) {
          throw new AssertionError(protocol + " port " + port + " under " + allowance);
        }
      }
    }
  }

  @Property(tries = 150)
  void readingBackGivesTheSameDecisionsInCanonicalForm(
      @ForAll("allowances") BindAllowance allowance) {
    BindAllowance back = AllowanceBitmaps.of(allowance).allowance();
    for (Protocol protocol : Protocol.values()) {
      BindAllowance.Rule rule = allowance.rule(protocol);
      BindAllowance.Rule read = back.rule(protocol);
      assertEquals(rule.bindable(), read.bindable());
      assertEquals(
          rule.bindable().union(rule.assignable()), read.bindable().union(read.assignable()));
      if (!read.equals(BindAllowance.Rule.any())) {
        assertEquals(PortRanges.empty(), read.bindable().intersect(read.assignable()));
      }
    }
    assertEquals(back, AllowanceBitmaps.of(back).allowance(), "the canonical form is stable");
  }

  @Test
  void aCanonicalAllowanceComesBackEqual() {
    BindAllowance.Rule tcp =
        new BindAllowance.Rule(
            PortRanges.of(31000), PortRanges.range(0, 30999).union(PortRanges.range(32001, 65535)));
    BindAllowance allowance = BindAllowance.of(tcp, BindAllowance.Rule.any());
    assertEquals(allowance, AllowanceBitmaps.of(allowance).allowance());
    assertEquals(BindAllowance.any(), AllowanceBitmaps.of(BindAllowance.any()).allowance());
  }

  @Test
  void bitmapsReadFromAMapMustBeWholeAndComplete() {
    Map<GuardEntry, byte[]> values = new EnumMap<>(GuardEntry.class);
    values.put(GuardEntry.TCP_BINDABLE, new byte[PortBitmap.BYTES]);
    assertThrows(NullPointerException.class, () -> AllowanceBitmaps.of(values));
    values.put(GuardEntry.TCP_PICKED, new byte[PortBitmap.BYTES]);
    values.put(GuardEntry.UDP_BINDABLE, new byte[PortBitmap.BYTES]);
    values.put(GuardEntry.UDP_PICKED, new byte[12]);
    assertThrows(IllegalArgumentException.class, () -> AllowanceBitmaps.of(values));
    values.put(GuardEntry.UDP_PICKED, new byte[PortBitmap.BYTES]);
    BindAllowance.Rule nothing = new BindAllowance.Rule(PortRanges.empty(), PortRanges.empty());
    assertEquals(BindAllowance.of(nothing, nothing), AllowanceBitmaps.of(values).allowance());
  }
}
