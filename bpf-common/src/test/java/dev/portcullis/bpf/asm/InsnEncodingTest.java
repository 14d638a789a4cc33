package dev.portcullis.bpf.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.ShortRange;

/** Every field lands where {@code struct bpf_insn} has it, and decoding reads it back. */
class InsnEncodingTest {

  @Property
  void fieldsAreWhereTheKernelReadsThem(
      @ForAll @IntRange(min = 0, max = 255) int code,
      @ForAll @IntRange(min = 0, max = 15) int dst,
      @ForAll @IntRange(min = 0, max = 15) int src,
      @ForAll @ShortRange short off,
      @ForAll int imm) {
    Insn insn = new Insn(code, dst, src, off, imm);
    ByteBuffer out = ByteBuffer.allocate(Insn.BYTES).order(ByteOrder.BIG_ENDIAN);
    insn.encode(out);
    byte[] b = out.array();
    assertEquals(code, b[0] & 0xff);
    assertEquals(dst, b[1] & 0x0f);
    assertEquals(src, (b[1] & 0xf0) >>> 4);
    assertEquals(off, (short) ((b[2] & 0xff) | (b[3] & 0xff) << 8));
    assertEquals(
        imm, (b[4] & 0xff) | (b[5] & 0xff) << 8 | (b[6] & 0xff) << 16 | (b[7] & 0xff) << 24);
    assertEquals(ByteOrder.BIG_ENDIAN, out.order(), "the caller's byte order is left alone");
    assertEquals(insn, Insn.decode(ByteBuffer.wrap(b)));
  }
}
