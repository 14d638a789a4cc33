package dev.portcullis.bpf.asm;

import static dev.portcullis.bpf.asm.Opcodes.ALU;
import static dev.portcullis.bpf.asm.Opcodes.ALU64;
import static dev.portcullis.bpf.asm.Opcodes.ATOMIC;
import static dev.portcullis.bpf.asm.Opcodes.CALL;
import static dev.portcullis.bpf.asm.Opcodes.END;
import static dev.portcullis.bpf.asm.Opcodes.EXIT;
import static dev.portcullis.bpf.asm.Opcodes.IMM;
import static dev.portcullis.bpf.asm.Opcodes.JA;
import static dev.portcullis.bpf.asm.Opcodes.JMP;
import static dev.portcullis.bpf.asm.Opcodes.K;
import static dev.portcullis.bpf.asm.Opcodes.LD;
import static dev.portcullis.bpf.asm.Opcodes.LDX;
import static dev.portcullis.bpf.asm.Opcodes.MEM;
import static dev.portcullis.bpf.asm.Opcodes.MOV;
import static dev.portcullis.bpf.asm.Opcodes.PSEUDO_MAP_FD;
import static dev.portcullis.bpf.asm.Opcodes.ST;
import static dev.portcullis.bpf.asm.Opcodes.STX;
import static dev.portcullis.bpf.asm.Opcodes.TO_BE;
import static dev.portcullis.bpf.asm.Opcodes.TO_LE;
import static dev.portcullis.bpf.asm.Opcodes.X;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a program one instruction at a time. Jumps name {@link Label}s, which may be bound before
 * or after the jump; {@link #assemble()} turns each into the slot offset the kernel expects
 * (counted from the slot after the jump, so a {@code ld_imm64} in between counts twice).
 *
 * <p>Arithmetic is 64-bit unless the method says otherwise. Not thread-safe; one assembler makes
 * one program.
 *
 * @since 0.2
 */
public final class Assembler {

  /** An emitted slot, with the label its offset must point at when it is a jump. */
  private record Pending(Insn insn, Label target) {}

  private final List<Pending> slots = new ArrayList<>();
  private int labels;

  /** A new unbound label; the name appears only in messages. */
  public Label label(String name) {
    return new Label(this, name + "#" + labels++);
  }

  /** Binds {@code label} to the next instruction emitted. */
  public Assembler bind(Label label) {
    own(label).bindAt(slots.size());
    return this;
  }

  private Label own(Label label) {
    if (Objects.requireNonNull(label, "label").owner() != this) {
      throw new IllegalArgumentException("Label " + label + " belongs to another assembler");
    }
    return label;
  }

  private Assembler emit(int code, Reg dst, Reg src, int off, int imm) {
    return emit(code, dst, src.number(), off, imm);
  }

  /** Emits a slot whose source field is {@code src} itself: a register number, or a pseudo one. */
  private Assembler emit(int code, Reg dst, int src, int off, int imm) {
    slots.add(new Pending(new Insn(code, dst.number(), src, off, imm), null));
    return this;
  }

  private Assembler emitJump(int code, Reg dst, Reg src, int imm, Label target) {
    slots.add(new Pending(new Insn(code, dst.number(), src.number(), 0, imm), own(target)));
    return this;
  }

  /** {@code dst = src}. */
  public Assembler mov(Reg dst, Reg src) {
    return alu(MOV, dst, src);
  }

  /** {@code dst = imm}, sign-extended to 64 bits. */
  public Assembler mov(Reg dst, int imm) {
    return alu(MOV, dst, imm);
  }

  /** {@code dst += imm}. */
  public Assembler add(Reg dst, int imm) {
    return alu(Opcodes.ADD, dst, imm);
  }

  /** {@code dst += src}. */
  public Assembler add(Reg dst, Reg src) {
    return alu(Opcodes.ADD, dst, src);
  }

  /** {@code dst &= imm}. */
  public Assembler and(Reg dst, int imm) {
    return alu(Opcodes.AND, dst, imm);
  }

  /** {@code dst <<= imm}. */
  public Assembler lsh(Reg dst, int imm) {
    return alu(Opcodes.LSH, dst, imm);
  }

  /** {@code dst <<= src}. */
  public Assembler lsh(Reg dst, Reg src) {
    return alu(Opcodes.LSH, dst, src);
  }

  /** {@code dst >>= imm}, logical. */
  public Assembler rsh(Reg dst, int imm) {
    return alu(Opcodes.RSH, dst, imm);
  }

  /** {@code dst >>= src}, logical. */
  public Assembler rsh(Reg dst, Reg src) {
    return alu(Opcodes.RSH, dst, src);
  }

  /**
   * A 64-bit arithmetic operation ({@link Opcodes#ADD} … {@link Opcodes#MOV}) with an immediate.
   */
  public Assembler alu(int op, Reg dst, int imm) {
    return emit(ALU64 | op | K, dst, Reg.R0, 0, imm);
  }

  /** A 64-bit arithmetic operation with a register. */
  public Assembler alu(int op, Reg dst, Reg src) {
    return emit(ALU64 | op | X, dst, src, 0, 0);
  }

  /** A 32-bit arithmetic operation with an immediate; the upper half of {@code dst} becomes 0. */
  public Assembler alu32(int op, Reg dst, int imm) {
    return emit(ALU | op | K, dst, Reg.R0, 0, imm);
  }

  /** A 32-bit arithmetic operation with a register; the upper half of {@code dst} becomes 0. */
  public Assembler alu32(int op, Reg dst, Reg src) {
    return emit(ALU | op | X, dst, src, 0, 0);
  }

  /**
   * Converts the low {@code bits} (16, 32 or 64) of {@code dst} between host and big-endian order
   * (network order) and clears the rest: a swap on a little-endian host.
   */
  public Assembler toBigEndian(Reg dst, int bits) {
    return emit(ALU | END | TO_BE, dst, Reg.R0, 0, swapWidth(bits));
  }

  /** As {@link #toBigEndian} for little-endian order: a swap on a big-endian host. */
  public Assembler toLittleEndian(Reg dst, int bits) {
    return emit(ALU | END | TO_LE, dst, Reg.R0, 0, swapWidth(bits));
  }

  private static int swapWidth(int bits) {
    if (bits != 16 && bits != 32 && bits != 64) {
      throw new IllegalArgumentException("A byte swap is 16, 32 or 64 bits wide, not " + bits);
    }
    return bits;
  }

  /** {@code dst = *(size *)(base + off)}, zero-extended. */
  public Assembler load(Size size, Reg dst, Reg base, int off) {
    return emit(LDX | MEM | size.bits(), dst, base, off, 0);
  }

  /** {@code *(size *)(base + off) = src}. */
  public Assembler store(Size size, Reg base, int off, Reg src) {
    return emit(STX | MEM | size.bits(), base, src, off, 0);
  }

  /** {@code *(size *)(base + off) = imm}. */
  public Assembler store(Size size, Reg base, int off, int imm) {
    return emit(ST | MEM | size.bits(), base, Reg.R0, off, imm);
  }

  /** Atomically {@code *(size *)(base + off) += src}, for a 4- or 8-byte word. */
  public Assembler atomicAdd(Size size, Reg base, int off, Reg src) {
    return atomic(Opcodes.ADD, size, base, off, src);
  }

  /** Atomically {@code *(size *)(base + off) |= src}, for a 4- or 8-byte word. */
  public Assembler atomicOr(Size size, Reg base, int off, Reg src) {
    return atomic(Opcodes.OR, size, base, off, src);
  }

  private Assembler atomic(int op, Size size, Reg base, int off, Reg src) {
    if (size != Size.W && size != Size.DW) {
      throw new IllegalArgumentException("Atomic operations work on W or DW words, not " + size);
    }
    return emit(STX | ATOMIC | size.bits(), base, src, off, op);
  }

  /** {@code dst = } the map whose descriptor is {@code fd}: a two-slot {@code ld_imm64}. */
  public Assembler loadMapFd(Reg dst, int fd) {
    emit(LD | Size.DW.bits() | IMM, dst, PSEUDO_MAP_FD, 0, fd);
    return emit(0, Reg.R0, Reg.R0, 0, 0);
  }

  /** {@code dst = value}: a two-slot {@code ld_imm64}. */
  public Assembler loadImm64(Reg dst, long value) {
    emit(LD | Size.DW.bits() | IMM, dst, Reg.R0, 0, (int) value);
    return emit(0, Reg.R0, Reg.R0, 0, (int) (value >>> 32));
  }

  /** Jumps to {@code target}. */
  public Assembler jump(Label target) {
    return emitJump(JMP | JA, Reg.R0, Reg.R0, 0, target);
  }

  /** Jumps to {@code target} when {@code dst cond imm} (the immediate sign-extended). */
  public Assembler jumpIf(Cond cond, Reg dst, int imm, Label target) {
    return emitJump(JMP | cond.op() | K, dst, Reg.R0, imm, target);
  }

  /** Jumps to {@code target} when {@code dst cond src}. */
  public Assembler jumpIf(Cond cond, Reg dst, Reg src, Label target) {
    return emitJump(JMP | cond.op() | X, dst, src, 0, target);
  }

  /** Calls helper number {@code helper}; R0 receives its result, R1–R5 are lost. */
  public Assembler call(int helper) {
    return emit(JMP | CALL, Reg.R0, Reg.R0, 0, helper);
  }

  /** Returns R0. */
  public Assembler exit() {
    return emit(JMP | EXIT, Reg.R0, Reg.R0, 0, 0);
  }

  /** How many slots have been emitted. */
  public int position() {
    return slots.size();
  }

  /**
   * The program, every jump resolved.
   *
   * @throws IllegalStateException if a jump names an unbound label, a label is bound past the last
   *     instruction, or a jump is farther than a 16-bit offset reaches
   */
  public Program assemble() {
    List<Insn> out = new ArrayList<>(slots.size());
    for (int slot = 0; slot < slots.size(); slot++) {
      Pending pending = slots.get(slot);
      Label target = pending.target();
      if (target == null) {
        out.add(pending.insn());
        continue;
      }
      if (!target.isBound()) {
        throw new IllegalStateException("Jump at slot " + slot + " to unbound label " + target);
      }
      if (target.position() >= slots.size()) {
        throw new IllegalStateException(
            "Label " + target + " is bound after the last instruction (slot " + slot + ")");
      }
      int offset = target.position() - (slot + 1);
      if (offset < Short.MIN_VALUE || offset > Short.MAX_VALUE) {
        throw new IllegalStateException(
            "Jump at slot " + slot + " to " + target + " is out of 16-bit range: " + offset);
      }
      Insn jump = pending.insn();
      out.add(new Insn(jump.code(), jump.dst(), jump.src(), offset, jump.imm()));
    }
    return new Program(out);
  }
}
