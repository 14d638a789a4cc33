package dev.portcullis.bpf.asm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * An assembled program: its instruction slots, ready for {@code bpf(BPF_PROG_LOAD)}.
 *
 * @param slots the instructions, a two-slot {@code ld_imm64} as two entries
 * @since 0.2
 */
public record Program(List<Insn> slots) {

  /** Copies the slots. */
  public Program {
    slots = List.copyOf(slots);
  }

  /** How many slots the program has: the {@code insn_cnt} the kernel wants. */
  public int length() {
    return slots.size();
  }

  /** The program's bytes, {@link Insn#BYTES} per slot, little-endian. */
  public byte[] bytes() {
    ByteBuffer out = ByteBuffer.allocate(slots.size() * Insn.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    slots.forEach(slot -> slot.encode(out));
    return out.array();
  }

  /** The program read back from its bytes. */
  public static Program decode(byte[] bytes) {
    if (bytes.length % Insn.BYTES != 0) {
      throw new IllegalArgumentException(
          "A program is a whole number of " + Insn.BYTES + "-byte slots, not " + bytes.length);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    Insn[] slots = new Insn[bytes.length / Insn.BYTES];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = Insn.decode(in);
    }
    return new Program(List.of(slots));
  }
}
