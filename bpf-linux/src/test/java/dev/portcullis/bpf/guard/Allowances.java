package dev.portcullis.bpf.guard;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.PortRanges;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random port sets and allowances, weighted towards what matters: the edges 0, 1 and 65535, the
 * empty and full sets, single ports and ranges of every length, and rules that allow everything.
 */
final class Allowances {

  private Allowances() {}

  static Arbitrary<Integer> ports() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.of(0, 1, 2, 7, 8, 63, 64, 1023, 1024, 65534, 65535)),
        net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, PortRanges.MAX_PORT)));
  }

  private static Arbitrary<PortRanges> range() {
    Arbitrary<Integer> length =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 8)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 5000)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, PortRanges.MAX_PORT)));
    return Combinators.combine(ports(), length)
        .as((begin, n) -> PortRanges.range(begin, Math.min(PortRanges.MAX_PORT, begin + n)));
  }

  static Arbitrary<PortRanges> portRanges() {
    Arbitrary<PortRanges> unions = range().list().ofMaxSize(6).map(Allowances::union);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.of(PortRanges.empty(), PortRanges.all())),
        net.jqwik.api.Tuple.of(6, unions));
  }

  private static PortRanges union(List<PortRanges> parts) {
    PortRanges all = PortRanges.empty();
    for (PortRanges part : parts) {
      all = all.union(part);
    }
    return all;
  }

  static Arbitrary<BindAllowance.Rule> rules() {
    Arbitrary<BindAllowance.Rule> drawn =
        Combinators.combine(portRanges(), portRanges()).as(BindAllowance.Rule::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just(BindAllowance.Rule.any())),
        net.jqwik.api.Tuple.of(6, drawn));
  }

  static Arbitrary<BindAllowance> allowances() {
    return Combinators.combine(rules(), rules()).as(BindAllowance::of);
  }
}
