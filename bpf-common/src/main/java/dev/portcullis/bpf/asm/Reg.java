package dev.portcullis.bpf.asm;

/**
 * The eBPF registers. {@code R0} holds a helper's result and the program's return value, {@code
 * R1}–{@code R5} carry helper arguments and do not survive a call, {@code R6}–{@code R9} do, and
 * {@code R10} is the read-only frame pointer (the stack grows down from it).
 *
 * @since 0.2
 */
public enum Reg {
  R0(0),
  R1(1),
  R2(2),
  R3(3),
  R4(4),
  R5(5),
  R6(6),
  R7(7),
  R8(8),
  R9(9),
  R10(10);

  private final int number;

  Reg(int number) {
    this.number = number;
  }

  /** The register's number, 0–10, as it appears in an instruction. */
  public int number() {
    return number;
  }
}
