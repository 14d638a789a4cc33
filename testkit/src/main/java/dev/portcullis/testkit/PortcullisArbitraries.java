package dev.portcullis.testkit;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import dev.portcullis.testkit.HostScenario.ContainerSpec;
import dev.portcullis.testkit.HostScenario.Listener;
import dev.portcullis.testkit.HostScenario.Transfer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for Portcullis values. {@link PortcullisArbitraryProvider} registers the main
 * ones, so a property can ask for {@code @ForAll PortRanges}, {@code @ForAll ContainerConfig} or
 * {@code @ForAll HostScenario} directly.
 *
 * <p>Generation is biased towards what breaks port code: ports 0 and 65535, the Mesos default agent
 * range 31000–32000, adjacent and overlapping ranges, listeners on allocated ports next to
 * unallocated ones.
 *
 * @since 0.1
 */
public final class PortcullisArbitraries {

  /** The Mesos default agent port range. */
  public static final PortRanges DEFAULT_AGENT_RANGE = PortRanges.range(31000, 32000);

  private PortcullisArbitraries() {}

  /**
   * {@return any port, 0 to 65535, with 0, 65535 and the bounds of the default agent range as edge
   * cases, and ports around that range drawn often}
   */
  public static Arbitrary<Integer> ports() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.integers().between(PortRanges.MIN_PORT, PortRanges.MAX_PORT)),
        Tuple.of(3, Arbitraries.integers().between(30990, 32010)),
        Tuple.of(1, Arbitraries.of(0, 1, 1023, 1024, 31000, 32000, 65534, 65535)));
  }

  /**
   * {@return any set of ports: empty, everything, single ports and ranges of every length, mostly
   * as the union of up to five ranges}
   */
  public static Arbitrary<PortRanges> portRanges() {
    Arbitrary<Integer> length =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(0)),
            Tuple.of(4, Arbitraries.integers().between(0, 16)),
            Tuple.of(2, Arbitraries.integers().between(0, 2000)),
            Tuple.of(1, Arbitraries.integers().between(0, 65535)));
    Arbitrary<PortRanges> range =
        Combinators.combine(ports(), length)
            .as(
                (begin, len) ->
                    PortRanges.range(begin, (int) Math.min(65535L, (long) begin + len)));
    Arbitrary<PortRanges> unions = range.list().ofMaxSize(5).map(PortcullisArbitraries::unionOf);
    return Arbitraries.frequencyOf(
        Tuple.of(12, unions),
        Tuple.of(
            1,
            Arbitraries.of(
                PortRanges.empty(),
                PortRanges.all(),
                PortRanges.of(0),
                PortRanges.of(65535),
                PortRanges.range(1024, 65535),
                DEFAULT_AGENT_RANGE)));
  }

  /**
   * {@return port sets as lists of up to six arbitrary, possibly overlapping, closed ranges, before
   * merging: each array is {@code {first, last}}, with {@code first <= last}}
   */
  public static Arbitrary<List<int[]>> rawRanges() {
    return Combinators.combine(ports(), ports())
        .as((a, b) -> new int[] {Math.min(a, b), Math.max(a, b)})
        .list()
        .ofMaxSize(6);
  }

  private static PortRanges unionOf(List<PortRanges> parts) {
    PortRanges all = PortRanges.empty();
    for (PortRanges part : parts) {
      all = all.union(part);
    }
    return all;
  }

  /**
   * {@return container configurations on the host network, with any allocation that {@link
   * #portRanges()} draws}
   */
  public static Arbitrary<ContainerConfig> containerConfigs() {
    return portRanges().map(ContainerConfig::withPorts);
  }

  /**
   * {@return listeners on ports drawn mostly from {@code allocation}, the default range and the
   * edges: TCP three times in four, else UDP, on an IPv4 or IPv6 wildcard or loopback address}
   *
   * @param allocation the ports about half of the listeners are drawn from; when it is empty, those
   *     are drawn as {@link #ports()} draws them
   */
  public static Arbitrary<Listener> listeners(PortRanges allocation) {
    Arbitrary<Integer> allocated =
        allocation.isEmpty()
            ? ports()
            : Arbitraries.integers()
                .between(0, allocation.size() - 1)
                .map(i -> allocation.ports().skip(i).findFirst().getAsInt());
    Arbitrary<Integer> port = Arbitraries.frequencyOf(Tuple.of(1, allocated), Tuple.of(1, ports()));
    Arbitrary<Protocol> protocol =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(Protocol.TCP)),
            Tuple.of(1, Arbitraries.just(Protocol.UDP)));
    Arbitrary<String[]> address =
        Arbitraries.of(
            new String[] {"IPV4", "0.0.0.0"},
            new String[] {"IPV4", "127.0.0.1"},
            new String[] {"IPV6", "::"},
            new String[] {"IPV6", "::1"},
            new String[] {"IPV6", "::ffff:127.0.0.1"});
    return Combinators.combine(protocol, address, port)
        .as((p, a, n) -> new Listener(p, AddressFamily.valueOf(a[0]), a[1], n));
  }

  /**
   * Whole hosts: one to four roots, each with up to two nested containers, up to three listeners
   * per process, listeners outside every container, and — when {@code withTransfers} — sockets
   * passed between containers.
   *
   * @param withTransfers whether to add up to two transfers, each between any two containers of the
   *     scenario (possibly the same one)
   * @return the scenarios, with roots named {@code c0}, {@code c1} and so on, and nested containers
   *     {@code t0} and {@code t1} below them
   */
  public static Arbitrary<HostScenario> hostScenarios(boolean withTransfers) {
    Arbitrary<List<List<ContainerSpec>>> trees = tree().list().ofMinSize(1).ofMaxSize(4);
    return trees.flatMap(
        treeList -> {
          List<ContainerSpec> specs = new ArrayList<>();
          // Distinct root names: renumber by position so ids never collide.
          for (int i = 0; i < treeList.size(); i++) {
            for (ContainerSpec spec : treeList.get(i)) {
              specs.add(renameRoot(spec, "c" + i));
            }
          }
          Arbitrary<List<Listener>> host = listeners(PortRanges.empty()).list().ofMaxSize(3);
          Arbitrary<List<Transfer>> transfers =
              withTransfers ? transfers(specs).list().ofMaxSize(2) : Arbitraries.just(List.of());
          return Combinators.combine(host, transfers).as((h, t) -> new HostScenario(specs, h, t));
        });
  }

  /**
   * {@return hosts where every socket is held in the cgroup that created it, as {@link
   * #hostScenarios(boolean) hostScenarios(false)} draws them}
   */
  public static Arbitrary<HostScenario> hostScenarios() {
    return hostScenarios(false);
  }

  private static Arbitrary<List<ContainerSpec>> tree() {
    ContainerId root = ContainerId.of("root");
    return portRanges()
        .flatMap(
            allocation -> {
              Arbitrary<ContainerSpec> rootSpec = spec(root, allocation);
              Arbitrary<List<ContainerSpec>> children =
                  Arbitraries.integers()
                      .between(0, 2)
                      .flatMap(
                          count -> {
                            if (count == 0) {
                              return Arbitraries.just(List.<ContainerSpec>of());
                            }
                            List<Arbitrary<ContainerSpec>> nested = new ArrayList<>();
                            for (int i = 0; i < count; i++) {
                              ContainerId child = root.child("t" + i);
                              nested.add(portRanges().flatMap(own -> spec(child, allocation, own)));
                            }
                            return Combinators.combine(nested).as(List::copyOf);
                          });
              return Combinators.combine(rootSpec, children)
                  .as(
                      (r, c) -> {
                        List<ContainerSpec> all = new ArrayList<>();
                        all.add(r);
                        all.addAll(c);
                        return all;
                      });
            });
  }

  private static Arbitrary<ContainerSpec> spec(ContainerId id, PortRanges allocation) {
    return spec(id, allocation, allocation);
  }

  /** A container whose listeners are drawn around its root's allocation. */
  private static Arbitrary<ContainerSpec> spec(
      ContainerId id, PortRanges rootAllocation, PortRanges own) {
    Arbitrary<List<Listener>> main = listeners(rootAllocation).list().ofMaxSize(3);
    Arbitrary<List<Listener>> forked =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(List.<Listener>of())),
            Tuple.of(1, listeners(rootAllocation).list().ofMinSize(1).ofMaxSize(2)));
    return Combinators.combine(main, forked).as((m, f) -> new ContainerSpec(id, own, m, f));
  }

  private static ContainerSpec renameRoot(ContainerSpec spec, String rootName) {
    ContainerId renamed = ContainerId.of(rootName);
    for (ContainerId part : spec.id().lineage()) {
      if (part.isNested()) {
        renamed = renamed.child(part.value());
      }
    }
    return new ContainerSpec(renamed, spec.allocation(), spec.listeners(), spec.forkedListeners());
  }

  private static Arbitrary<Transfer> transfers(List<ContainerSpec> specs) {
    Arbitrary<ContainerSpec> any = Arbitraries.of(specs);
    return Combinators.combine(any, any, ports())
        .as((from, to, port) -> new Transfer(from.id(), to.id(), Listener.tcp(port)));
  }
}
