package dev.portcullis.bpf.asm;

/**
 * The eBPF registers. {@code R0} holds a helper's result and the program's return value, {@code
 * R1}–{@code R5} carry helper arguments and do not survive a call, {@code R6}–{@code R9} do, and
 * {@code R10} is the read-only frame pointer (the stack grows down from it).
 *
 * @since 0.2
 */
public enum Reg {
  R0,
  R1,
  R2,
  R3,
  R4,
  R5,
  R6,
  R7,
  R8,
  R9,
  R10;

  /** The register's number, 0–10, as it appears in an instruction. */
  public int number() {
    return ordinal();
  }
}
