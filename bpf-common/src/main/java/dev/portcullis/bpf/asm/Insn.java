package dev.portcullis.bpf.asm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One eight-byte instruction slot, {@code struct bpf_insn}: the opcode, the destination and source
 * registers (four bits each, destination in the low nibble), a signed 16-bit offset and a signed
 * 32-bit immediate, little-endian. A 64-bit immediate load takes two slots.
 *
 * @param code the opcode byte, 0–255
 * @param dst the destination register number, 0–15
 * @param src the source register number, 0–15 (for {@code ld_imm64}, a pseudo source such as {@link
 *     Opcodes#PSEUDO_MAP_FD})
 * @param off the offset, -32768–32767
 * @param imm the immediate
 * @since 0.2
 */
public record Insn(int code, int dst, int src, int off, int imm) {

  /** The size of one slot in bytes. */
  public static final int BYTES = 8;

  /** Checks every field's range. */
  public Insn {
    check("code", code, 0, 0xff);
    check("dst", dst, 0, 0xf);
    check("src", src, 0, 0xf);
    check("off", off, Short.MIN_VALUE, Short.MAX_VALUE);
  }

  private static void check(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "Instruction " + field + " " + value + " is outside " + min + ".." + max);
    }
  }

  /** The instruction class, {@code code & 7}. */
  public int opClass() {
    return code & Opcodes.CLASS_MASK;
  }

  /** Whether this is the first slot of a two-slot {@code ld_imm64}. */
  public boolean isWideLoad() {
    return code == (Opcodes.LD | Size.DW.bits() | Opcodes.IMM);
  }

  /** Writes the eight bytes at the buffer's position, little-endian, and advances it. */
  public void encode(ByteBuffer out) {
    ByteOrder order = out.order();
    out.order(ByteOrder.LITTLE_ENDIAN);
    out.put((byte) code);
    out.put((byte) (src << 4 | dst));
    out.putShort((short) off);
    out.putInt(imm);
    out.order(order);
  }

  /** Reads one slot at the buffer's position, little-endian, and advances it. */
  public static Insn decode(ByteBuffer in) {
    ByteOrder order = in.order();
    in.order(ByteOrder.LITTLE_ENDIAN);
    int code = in.get() & 0xff;
    int regs = in.get() & 0xff;
    int off = in.getShort();
    int imm = in.getInt();
    in.order(order);
    return new Insn(code, regs & 0xf, regs >>> 4, off, imm);
  }

  @Override
  public String toString() {
    return String.format("{code=0x%02x dst=r%d src=r%d off=%d imm=%d}", code, dst, src, off, imm);
  }
}
