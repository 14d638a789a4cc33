package dev.portcullis.bpf.guard;

import static dev.portcullis.bpf.asm.Reg.R0;
import static dev.portcullis.bpf.asm.Reg.R1;
import static dev.portcullis.bpf.asm.Reg.R10;
import static dev.portcullis.bpf.asm.Reg.R2;
import static dev.portcullis.bpf.asm.Reg.R3;
import static dev.portcullis.bpf.asm.Reg.R6;
import static dev.portcullis.bpf.asm.Reg.R7;
import static dev.portcullis.bpf.asm.Reg.R8;

import dev.portcullis.bpf.asm.Assembler;
import dev.portcullis.bpf.asm.Cond;
import dev.portcullis.bpf.asm.Label;
import dev.portcullis.bpf.asm.Program;
import dev.portcullis.bpf.asm.Size;

/**
 * Assembles the guard's programs. Each reads a port from its context, tests the port's bit in one
 * bitmap of the guard map, and on a refusal counts it and records the port before refusing.
 *
 * <p>Register use, the same in every program: R6 the context, R7 the port (0–65535), R8 the key of
 * the bitmap to test. R6–R9 survive helper calls; R1–R5 do not.
 *
 * @since 0.2
 */
public final class GuardPrograms {

  /**
   * The licence the programs declare. It is not GPL-compatible, so the kernel offers them only the
   * helpers open to every licence; the two they call (map lookup, send signal) are.
   */
  public static final String LICENSE = "Apache-2.0";

  /** {@code struct bpf_sock_addr}: the port a {@code bind()} names, network order, in a u32. */
  static final int SOCK_ADDR_USER_PORT = 24;

  /** {@code struct bpf_sock_addr}: the socket's protocol. */
  static final int SOCK_ADDR_PROTOCOL = 36;

  /** {@code struct bpf_sock}: the socket's protocol. */
  static final int SOCK_PROTOCOL = 12;

  /** {@code struct bpf_sock}: the local port the socket holds, host order. */
  static final int SOCK_SRC_PORT = 44;

  /** {@code struct bpf_sock_ops}: which callback this is. */
  static final int SOCK_OPS_OP = 0;

  /** {@code struct bpf_sock_ops}: the local port, host order. */
  static final int SOCK_OPS_LOCAL_PORT = 68;

  /** The callback a TCP socket makes when it starts listening. */
  static final int TCP_LISTEN_CB = 11;

  static final int IPPROTO_TCP = 6;
  static final int IPPROTO_UDP = 17;
  static final int SIGKILL = 9;

  /** Helper: a pointer to a map element, or null. */
  static final int MAP_LOOKUP_ELEM = 1;

  /** Helper: sends a signal to the task running the program. */
  static final int SEND_SIGNAL = 109;

  /** The key on the stack, just below the frame pointer. */
  private static final int KEY_SLOT = -4;

  private GuardPrograms() {}

  /**
   * The bind check ({@code CGROUP_SOCK_ADDR}, before the port is taken): a port of 0 is allowed,
   * since the post-bind check judges the port the kernel picks; a TCP or UDP port must be in its
   * protocol's bindable bitmap; other protocols are not judged. Returns 1 to allow, 0 to make
   * {@code bind()} fail with {@code EPERM}.
   */
  public static Program bindCheck(int mapFd) {
    Assembler a = new Assembler();
    Label allow = a.label("allow");
    a.mov(R6, R1);
    a.load(Size.W, R7, R6, SOCK_ADDR_USER_PORT);
    a.toBigEndian(R7, 16);
    // The verifier does not carry bounds through a byte swap; the mask gives it 0..65535.
    a.and(R7, 0xffff);
    a.jumpIf(Cond.EQ, R7, 0, allow);
    a.load(Size.W, R8, R6, SOCK_ADDR_PROTOCOL);
    return portCheck(a, mapFd, allow, GuardEntry.TCP_BINDABLE, GuardEntry.UDP_BINDABLE);
  }

  /**
   * The post-bind check ({@code CGROUP_SOCK}, after the port is taken): a TCP or UDP socket's port
   * must be in its protocol's picked bitmap. Port 0 (a bind that left the port to a later {@code
   * listen()} or {@code connect()}) and other protocols are allowed. Returns 1 to allow, 0 to make
   * the kernel release the port and {@code bind()} fail with {@code EPERM}.
   */
  public static Program postBindCheck(int mapFd) {
    Assembler a = new Assembler();
    Label allow = a.label("allow");
    a.mov(R6, R1);
    a.load(Size.W, R7, R6, SOCK_SRC_PORT);
    a.and(R7, 0xffff);
    a.jumpIf(Cond.EQ, R7, 0, allow);
    a.load(Size.W, R8, R6, SOCK_PROTOCOL);
    return portCheck(a, mapFd, allow, GuardEntry.TCP_PICKED, GuardEntry.UDP_PICKED);
  }

  /**
   * With R7 the port and R8 the protocol: tests the protocol's bitmap; allow, or count and deny.
   */
  private static Program portCheck(
      Assembler a, int mapFd, Label allow, GuardEntry tcp, GuardEntry udp) {
    Label isTcp = a.label("tcp");
    Label test = a.label("test");
    Label deny = a.label("deny");
    a.jumpIf(Cond.EQ, R8, IPPROTO_TCP, isTcp);
    a.jumpIf(Cond.NE, R8, IPPROTO_UDP, allow);
    a.mov(R8, udp.key());
    a.jump(test);
    a.bind(isTcp);
    a.mov(R8, tcp.key());
    a.bind(test);
    a.store(Size.W, R10, KEY_SLOT, R8);
    lookup(a, mapFd);
    // A missing entry cannot happen in an array within bounds; if it ever did, refuse.
    a.jumpIf(Cond.EQ, R0, 0, deny);
    testPortBit(a, deny);
    a.bind(allow);
    a.mov(R0, 1);
    a.exit();
    a.bind(deny);
    recordRefusal(a, mapFd, GuardMap.REFUSED_BINDS, GuardEntry.REFUSED_PORTS);
    a.mov(R0, 0);
    a.exit();
    return a.assemble();
  }

  /**
   * The listen check ({@code SOCK_OPS}): when a TCP socket starts listening on a port outside the
   * TCP picked bitmap, which only a socket that was never bound can (its port was picked without
   * any bind check), the process calling {@code listen()} is sent {@code SIGKILL}, and the stop is
   * counted and the port recorded. Every callback returns 1: the program never changes how TCP
   * behaves, it only stops the caller.
   */
  public static Program listenCheck(int mapFd) {
    Assembler a = new Assembler();
    Label done = a.label("done");
    Label stop = a.label("stop");
    a.mov(R6, R1);
    a.load(Size.W, R2, R6, SOCK_OPS_OP);
    a.jumpIf(Cond.NE, R2, TCP_LISTEN_CB, done);
    a.load(Size.W, R7, R6, SOCK_OPS_LOCAL_PORT);
    a.and(R7, 0xffff);
    a.jumpIf(Cond.EQ, R7, 0, done);
    a.store(Size.W, R10, KEY_SLOT, GuardEntry.TCP_PICKED.key());
    lookup(a, mapFd);
    a.jumpIf(Cond.EQ, R0, 0, stop);
    testPortBit(a, stop);
    a.jump(done);
    a.bind(stop);
    a.mov(R1, SIGKILL);
    a.call(SEND_SIGNAL);
    recordRefusal(a, mapFd, GuardMap.STOPPED_LISTENERS, GuardEntry.STOPPED_PORTS);
    a.bind(done);
    a.mov(R0, 1);
    a.exit();
    return a.assemble();
  }

  /** R0 = the guard map's element at the key in the stack slot, or null. */
  private static void lookup(Assembler a, int mapFd) {
    a.loadMapFd(R1, mapFd);
    a.mov(R2, R10);
    a.add(R2, KEY_SLOT);
    a.call(MAP_LOOKUP_ELEM);
  }

  /** With R0 a bitmap and R7 the port: jumps to {@code refused} unless the port's bit is set. */
  private static void testPortBit(Assembler a, Label refused) {
    a.mov(R1, R7);
    a.rsh(R1, 3);
    a.add(R0, R1);
    a.load(Size.B, R1, R0, 0);
    a.mov(R2, R7);
    a.and(R2, 7);
    a.rsh(R1, R2);
    a.and(R1, 1);
    a.jumpIf(Cond.EQ, R1, 0, refused);
  }

  /**
   * Adds one to the counter at {@code counterOffset} of the counters entry and sets the port's bit
   * in the {@code ports} bitmap entry, both atomically since binds run on every CPU at once. Either
   * entry missing skips its part: the refusal itself must not depend on the bookkeeping.
   */
  private static void recordRefusal(Assembler a, int mapFd, int counterOffset, GuardEntry ports) {
    Label counted = a.label("counted");
    Label recorded = a.label("recorded");
    a.store(Size.W, R10, KEY_SLOT, GuardEntry.COUNTERS.key());
    lookup(a, mapFd);
    a.jumpIf(Cond.EQ, R0, 0, counted);
    a.mov(R1, 1);
    a.atomicAdd(Size.DW, R0, counterOffset, R1);
    a.bind(counted);
    a.store(Size.W, R10, KEY_SLOT, ports.key());
    lookup(a, mapFd);
    a.jumpIf(Cond.EQ, R0, 0, recorded);
    // Word port >> 6, as a byte offset: a multiple of 8, so the atomic access is aligned.
    a.mov(R1, R7);
    a.rsh(R1, 6);
    a.lsh(R1, 3);
    a.add(R0, R1);
    a.mov(R2, 1);
    a.mov(R3, R7);
    a.and(R3, 63);
    a.lsh(R2, R3);
    a.atomicOr(Size.DW, R0, 0, R2);
    a.bind(recorded);
  }
}
