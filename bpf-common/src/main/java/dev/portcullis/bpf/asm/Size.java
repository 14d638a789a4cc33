package dev.portcullis.bpf.asm;

/**
 * The width of a memory access, with its bits in the opcode.
 *
 * @since 0.2
 */
public enum Size {
  /** Four bytes. */
  W(0x00, 4),
  /** Two bytes. */
  H(0x08, 2),
  /** One byte. */
  B(0x10, 1),
  /** Eight bytes. */
  DW(0x18, 8);

  private final int bits;
  private final int bytes;

  Size(int bits, int bytes) {
    this.bits = bits;
    this.bytes = bytes;
  }

  /** The size bits of the opcode. */
  public int bits() {
    return bits;
  }

  /** How many bytes are accessed. */
  public int bytes() {
    return bytes;
  }

  /** The size whose opcode bits are {@code bits} ({@code code & 0x18}). */
  public static Size ofBits(int bits) {
    for (Size size : values()) {
      if (size.bits == bits) {
        return size;
      }
    }
    throw new IllegalArgumentException("Not size bits: " + bits);
  }
}
