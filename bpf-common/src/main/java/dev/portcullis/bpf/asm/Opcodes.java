package dev.portcullis.bpf.asm;

/**
 * The parts of an eBPF opcode byte, as the kernel's instruction-set ABI numbers them: a class in
 * the low three bits, then a source bit and an operation (arithmetic and jumps) or a size and a
 * mode (loads and stores).
 *
 * @since 0.2
 */
public final class Opcodes {

  private Opcodes() {}

  /** Class: wide immediate loads ({@code ld_imm64}). */
  public static final int LD = 0x00;

  /** Class: loads from memory into a register. */
  public static final int LDX = 0x01;

  /** Class: stores of an immediate. */
  public static final int ST = 0x02;

  /** Class: stores of a register, and atomic operations. */
  public static final int STX = 0x03;

  /** Class: 32-bit arithmetic (the upper half of the destination is zeroed). */
  public static final int ALU = 0x04;

  /** Class: 64-bit jumps, calls and exit. */
  public static final int JMP = 0x05;

  /** Class: 64-bit arithmetic. */
  public static final int ALU64 = 0x07;

  /** The class bits of an opcode. */
  public static final int CLASS_MASK = 0x07;

  /** Source: the immediate. */
  public static final int K = 0x00;

  /** Source: the source register. */
  public static final int X = 0x08;

  /** Mode: immediate (only {@code ld_imm64}). */
  public static final int IMM = 0x00;

  /** Mode: register plus offset. */
  public static final int MEM = 0x60;

  /** Mode: atomic read-modify-write, the operation in the immediate. */
  public static final int ATOMIC = 0xc0;

  /** Arithmetic: add. */
  public static final int ADD = 0x00;

  /** Arithmetic: subtract. */
  public static final int SUB = 0x10;

  /** Arithmetic: multiply. */
  public static final int MUL = 0x20;

  /** Arithmetic: bitwise or. */
  public static final int OR = 0x40;

  /** Arithmetic: bitwise and. */
  public static final int AND = 0x50;

  /** Arithmetic: shift left. */
  public static final int LSH = 0x60;

  /** Arithmetic: logical shift right. */
  public static final int RSH = 0x70;

  /** Arithmetic: exclusive or. */
  public static final int XOR = 0xa0;

  /** Arithmetic: move. */
  public static final int MOV = 0xb0;

  /** Arithmetic: byte order conversion, the width in the immediate. */
  public static final int END = 0xd0;

  /** Byte order conversion to little-endian (in the source bit's place). */
  public static final int TO_LE = 0x00;

  /** Byte order conversion to big-endian (in the source bit's place). */
  public static final int TO_BE = 0x08;

  /** Jump: always. */
  public static final int JA = 0x00;

  /** Jump class: call a helper, whose number is the immediate. */
  public static final int CALL = 0x80;

  /** Jump class: return R0. */
  public static final int EXIT = 0x90;

  /** {@code ld_imm64} source register: the immediate is a map's file descriptor. */
  public static final int PSEUDO_MAP_FD = 1;
}
