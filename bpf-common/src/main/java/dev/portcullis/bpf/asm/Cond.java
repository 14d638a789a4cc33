package dev.portcullis.bpf.asm;

/**
 * The condition of a conditional jump, with its operation bits. Unsigned unless the name says
 * signed; {@link #SET} jumps when the two operands share a set bit.
 *
 * @since 0.2
 */
public enum Cond {
  /** Equal. */
  EQ(0x10),
  /** Unsigned greater than. */
  GT(0x20),
  /** Unsigned greater than or equal. */
  GE(0x30),
  /** Some bit set in both. */
  SET(0x40),
  /** Not equal. */
  NE(0x50),
  /** Signed greater than. */
  SGT(0x60),
  /** Signed greater than or equal. */
  SGE(0x70),
  /** Unsigned less than. */
  LT(0xa0),
  /** Unsigned less than or equal. */
  LE(0xb0),
  /** Signed less than. */
  SLT(0xc0),
  /** Signed less than or equal. */
  SLE(0xd0);

  private final int op;

  Cond(int op) {
    this.op = op;
  }

  /** The operation bits of the opcode. */
  public int op() {
    return op;
  }

  /** The condition whose operation bits are {@code op} ({@code code & 0xf0}), if any. */
  public static Cond ofOp(int op) {
    for (Cond cond : values()) {
      if (cond.op == op) {
        return cond;
      }
    }
    throw new IllegalArgumentException("Not a jump condition: 0x" + Integer.toHexString(op));
  }

  /** Whether the condition holds between two 64-bit values. */
  public boolean test(long a, long b) {
    return switch (this) {
      case EQ -> a == b;
      case NE -> a != b;
      case GT -> Long.compareUnsigned(a, b) > 0;
      case GE -> Long.compareUnsigned(a, b) >= 0;
      case LT -> Long.compareUnsigned(a, b) < 0;
      case LE -> Long.compareUnsigned(a, b) <= 0;
      case SGT -> a > b;
      case SGE -> a >= b;
      case SLT -> a < b;
      case SLE -> a <= b;
      case SET -> (a & b) != 0;
    };
  }
}
