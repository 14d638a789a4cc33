package dev.portcullis.bpf.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import dev.portcullis.bpf.asm.Program;
import dev.portcullis.bpf.asm.Size;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The assembled programs, run in the {@link Evaluator} against a map filled as a guard fills it,
 * decide each bind as {@link BindAllowance.Rule} does, count and record each refusal, and fail
 * closed when the map holds nothing.
 */
class GuardProgramsTest {

  private static final int MAP_FD = 7;
  private static final int SCTP = 132;

  @Provide
  Arbitrary<BindAllowance> allowances() {
    return Allowances.allowances();
  }

  @Provide
  Arbitrary<Integer> ports() {
    return Allowances.ports();
  }

  @Provide
  Arbitrary<Integer> protocols() {
    return Arbitraries.of(GuardPrograms.IPPROTO_TCP, GuardPrograms.IPPROTO_UDP, 0, 1, SCTP);
  }

  /** A guard's map holding {@code allowance}, with zeroed counters and refused ports. */
  static Map<Integer, byte[]> mapOf(BindAllowance allowance) {
    Map<Integer, byte[]> map = new HashMap<>();
    for (GuardEntry entry : GuardEntry.values()) {
      map.put(entry.key(), new byte[GuardMap.VALUE_SIZE]);
    }
    for (EntryWrite write : AllowanceWrites.fill(AllowanceBitmaps.of(allowance))) {
      map.put(write.entry().key(), write.value());
    }
    return map;
  }

  /** {@code struct bpf_sock_addr} as a bind sees it: the port in network order in its register. */
  static Evaluator.Context bindContext(int port, int protocol) {
    return (offset, size) -> {
      assertEquals(Size.W, size);
      return switch (offset) {
        case GuardPrograms.SOCK_ADDR_USER_PORT -> Short.reverseBytes((short) port) & 0xffffL;
        case GuardPrograms.SOCK_ADDR_PROTOCOL -> protocol;
        default -> throw new AssertionError("bind check reads offset " + offset);
      };
    };
  }

  /** {@code struct bpf_sock} after a bind: the port the socket holds, host order. */
  static Evaluator.Context postBindContext(int port, int protocol) {
    return (offset, size) -> {
      assertEquals(Size.W, size);
      return switch (offset) {
        case GuardPrograms.SOCK_SRC_PORT -> port;
        case GuardPrograms.SOCK_PROTOCOL -> protocol;
        default -> throw new AssertionError("post-bind check reads offset " + offset);
      };
    };
  }

  /** {@code struct bpf_sock_ops} for callback {@code op} on a socket holding {@code port}. */
  static Evaluator.Context sockOpsContext(int op, int port) {
    return (offset, size) -> {
      assertEquals(Size.W, size);
      return switch (offset) {
        case GuardPrograms.SOCK_OPS_OP -> op;
        case GuardPrograms.SOCK_OPS_LOCAL_PORT -> port;
        default -> throw new AssertionError("listen check reads offset " + offset);
      };
    };
  }

  private static GuardRefusals refusals(Map<Integer, byte[]> map) {
    return RefusalEntries.decode(
        map.get(GuardEntry.COUNTERS.key()),
        map.get(GuardEntry.REFUSED_PORTS.key()),
        map.get(GuardEntry.STOPPED_PORTS.key()));
  }

  private static Protocol judged(int protocol) {
    return protocol == GuardPrograms.IPPROTO_TCP
        ? Protocol.TCP
        : protocol == GuardPrograms.IPPROTO_UDP ? Protocol.UDP : null;
  }

  @Property(tries = 400)
  void theBindCheckAllowsExactlyTheBindablePorts(
      @ForAll("allowances") BindAllowance allowance,
      @ForAll("ports") int port,
      @ForAll("protocols") int protocol) {
    Map<Integer, byte[]> map = mapOf(allowance);
    Evaluator evaluator = new Evaluator(GuardPrograms.bindCheck(MAP_FD), MAP_FD, map);
    long verdict = evaluator.run(bindContext(port, protocol));
    Protocol judged = judged(protocol);
    boolean allowed = port == 0 || judged == null || allowance.rule(judged).allowsNamed(port);
    assertEquals(allowed ? 1 : 0, verdict);
    GuardRefusals expected =
        allowed ? GuardRefusals.none() : new GuardRefusals(1, PortRanges.of(port));
    assertEquals(expected, refusals(map));
  }

  @Property(tries = 400)
  void thePostBindCheckAllowsExactlyThePickablePorts(
      @ForAll("allowances") BindAllowance allowance,
      @ForAll("ports") int port,
      @ForAll("protocols") int protocol) {
    Map<Integer, byte[]> map = mapOf(allowance);
    Evaluator evaluator = new Evaluator(GuardPrograms.postBindCheck(MAP_FD), MAP_FD, map);
    long verdict = evaluator.run(postBindContext(port, protocol));
    Protocol judged = judged(protocol);
    boolean allowed = port == 0 || judged == null || allowance.rule(judged).allowsPicked(port);
    assertEquals(allowed ? 1 : 0, verdict);
    GuardRefusals expected =
        allowed ? GuardRefusals.none() : new GuardRefusals(1, PortRanges.of(port));
    assertEquals(expected, refusals(map));
  }

  @Property(tries = 400)
  void theListenCheckKillsOnlyOutsideTheTcpPickablePorts(
      @ForAll("allowances") BindAllowance allowance,
      @ForAll("ports") int port,
      @ForAll("callbacks") int op) {
    Map<Integer, byte[]> map = mapOf(allowance);
    Evaluator evaluator = new Evaluator(GuardPrograms.listenCheck(MAP_FD), MAP_FD, map);
    assertEquals(1, evaluator.run(sockOpsContext(op, port)), "every callback returns 1");
    boolean stop =
        op == GuardPrograms.TCP_LISTEN_CB
            && port != 0
            && !allowance.rule(Protocol.TCP).allowsPicked(port);
    assertEquals(stop ? List.of(GuardPrograms.SIGKILL) : List.of(), evaluator.signals());
    GuardRefusals expected =
        stop
            ? new GuardRefusals(0, 1, PortRanges.empty(), PortRanges.of(port))
            : GuardRefusals.none();
    assertEquals(expected, refusals(map));
  }

  @Provide
  Arbitrary<Integer> callbacks() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just(GuardPrograms.TCP_LISTEN_CB)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 20)));
  }

  @Test
  void refusalsAccumulate() {
    BindAllowance.Rule only80 = new BindAllowance.Rule(PortRanges.of(80), PortRanges.empty());
    Map<Integer, byte[]> map = mapOf(BindAllowance.of(only80, only80));
    Evaluator bind = new Evaluator(GuardPrograms.bindCheck(MAP_FD), MAP_FD, map);
    Evaluator post = new Evaluator(GuardPrograms.postBindCheck(MAP_FD), MAP_FD, map);
    Evaluator listen = new Evaluator(GuardPrograms.listenCheck(MAP_FD), MAP_FD, map);
    bind.run(bindContext(81, GuardPrograms.IPPROTO_TCP));
    bind.run(bindContext(81, GuardPrograms.IPPROTO_UDP));
    bind.run(bindContext(80, GuardPrograms.IPPROTO_TCP));
    post.run(postBindContext(40000, GuardPrograms.IPPROTO_UDP));
    listen.run(sockOpsContext(GuardPrograms.TCP_LISTEN_CB, 65535));
    assertEquals(
        new GuardRefusals(3, 1, PortRanges.of(81, 40000), PortRanges.of(65535)), refusals(map));
  }

  @Test
  void aZeroedMapRefusesEveryJudgedPort() {
    Map<Integer, byte[]> map = new HashMap<>();
    for (GuardEntry entry : GuardEntry.values()) {
      map.put(entry.key(), new byte[GuardMap.VALUE_SIZE]);
    }
    for (int port : new int[] {1, 80, 32768, 65535}) {
      for (int protocol : new int[] {GuardPrograms.IPPROTO_TCP, GuardPrograms.IPPROTO_UDP}) {
        assertEquals(
            0,
            new Evaluator(GuardPrograms.bindCheck(MAP_FD), MAP_FD, map)
                .run(bindContext(port, protocol)));
        assertEquals(
            0,
            new Evaluator(GuardPrograms.postBindCheck(MAP_FD), MAP_FD, map)
                .run(postBindContext(port, protocol)));
      }
    }
  }

  @Test
  void aMapWithoutEntriesStillRefuses() {
    Map<Integer, byte[]> empty = Map.of();
    assertEquals(
        0, new Evaluator(GuardPrograms.bindCheck(MAP_FD), MAP_FD, empty).run(bindContext(80, 6)));
    assertEquals(
        0,
        new Evaluator(GuardPrograms.postBindCheck(MAP_FD), MAP_FD, empty)
            .run(postBindContext(80, 17)));
    Evaluator listen = new Evaluator(GuardPrograms.listenCheck(MAP_FD), MAP_FD, empty);
    assertEquals(1, listen.run(sockOpsContext(GuardPrograms.TCP_LISTEN_CB, 80)));
    assertEquals(List.of(GuardPrograms.SIGKILL), listen.signals());
  }

  @Test
  void everyRoleAssemblesItsOwnProgramAroundTheMap() {
    for (GuardProgram program : GuardProgram.values()) {
      Program assembled = program.assemble(MAP_FD);
      long mapLoads =
          assembled.slots().stream()
              .filter(i -> i.isWideLoad() && i.src() == 1 && i.imm() == MAP_FD)
              .count();
      assertTrue(mapLoads >= 2, program + " looks its map up");
      assertTrue(assembled.length() < 100, program + " is " + assembled.length() + " slots");
      assertEquals(
          program,
          GuardProgram.named(program.programName(), program.type().number()).orElseThrow());
    }
    assertEquals(java.util.Optional.empty(), GuardProgram.named("pc_bind4", 9));
  }
}
