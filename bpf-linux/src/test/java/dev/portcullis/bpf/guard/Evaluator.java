package dev.portcullis.bpf.guard;

import dev.portcullis.bpf.asm.Cond;
import dev.portcullis.bpf.asm.Insn;
import dev.portcullis.bpf.asm.Opcodes;
import dev.portcullis.bpf.asm.Program;
import dev.portcullis.bpf.asm.Size;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an assembled program in Java, for the instructions the guard emits, against a context, one
 * array map and the two helpers the guard calls. It tracks which registers hold pointers and into
 * what, and fails on any access the kernel's verifier would refuse outright (out of bounds, an
 * unknown helper, reading an unwritten register, a null dereference), so a test sees what the
 * program decides without a kernel.
 */
public final class Evaluator {

  /** What a program reads from its context. */
  @FunctionalInterface
  public interface Context {
    /**
     * The value of the {@code size}-byte context field at {@code offset}, as a register sees it.
     */
    long load(int offset, Size size);
  }

  private enum Kind {
    SCALAR,
    CONTEXT,
    STACK,
    MAP,
    VALUE,
    UNSET
  }

  private static final int STACK_SIZE = 512;
  private static final int STEP_LIMIT = 100_000;

  private final Program program;
  private final Map<Integer, byte[]> map;
  private final int mapFd;
  private final List<Integer> signals = new ArrayList<>();

  /**
   * An evaluator of {@code program} whose {@code ld_imm64} of {@code mapFd} names {@code map}: an
   * array whose values are the byte arrays by key (a missing key makes the lookup return null). The
   * arrays are changed in place by the program's stores.
   */
  public Evaluator(Program program, int mapFd, Map<Integer, byte[]> map) {
    this.program = program;
    this.mapFd = mapFd;
    this.map = new HashMap<>(map);
  }

  /** The signals the program sent, in order. */
  public List<Integer> signals() {
    return List.copyOf(signals);
  }

  /** Runs the program once; its return value. */
  public long run(Context context) {
    long[] value = new long[11];
    Kind[] kind = new Kind[11];
    int[] key = new int[11];
    java.util.Arrays.fill(kind, Kind.UNSET);
    kind[1] = Kind.CONTEXT;
    kind[10] = Kind.STACK;
    value[10] = STACK_SIZE;
    byte[] stack = new byte[STACK_SIZE];
    boolean[] stackWritten = new boolean[STACK_SIZE];
    List<Insn> slots = program.slots();
    int pc = 0;
    for (int step = 0; step < STEP_LIMIT; step++) {
      if (pc < 0 || pc >= slots.size()) {
        throw new IllegalStateException("pc " + pc + " left the program");
      }
      Insn insn = slots.get(pc);
      int code = insn.code();
      int cls = insn.opClass();
      int dst = insn.dst();
      int src = insn.src();
      if (dst == 10 && (cls == Opcodes.ALU64 || cls == Opcodes.ALU || cls == Opcodes.LDX)) {
        throw new IllegalStateException("slot " + pc + " writes the frame pointer");
      }
      switch (cls) {
        case Opcodes.ALU64, Opcodes.ALU -> {
          int op = code & 0xf0;
          boolean wide = cls == Opcodes.ALU64;
          if (op == Opcodes.END) {
            requireScalar(kind, dst, pc);
            value[dst] = swap(value[dst], insn.imm(), (code & Opcodes.X) == Opcodes.TO_BE);
            break;
          }
          boolean fromReg = (code & Opcodes.X) != 0;
          long operand;
          Kind operandKind;
          int operandKey = 0;
          if (fromReg) {
            if (kind[src] == Kind.UNSET) {
              throw new IllegalStateException("slot " + pc + " reads unset r" + src);
            }
            operand = value[src];
            operandKind = kind[src];
            operandKey = key[src];
          } else {
            operand = insn.imm();
            operandKind = Kind.SCALAR;
          }
          if (op == Opcodes.MOV) {
            value[dst] = wide ? operand : operand & 0xffffffffL;
            kind[dst] = operandKind;
            key[dst] = operandKey;
            break;
          }
          if (kind[dst] == Kind.UNSET) {
            throw new IllegalStateException("slot " + pc + " reads unset r" + dst);
          }
          if (kind[dst] != Kind.SCALAR) {
            if (op != Opcodes.ADD || operandKind != Kind.SCALAR || !wide) {
              throw new IllegalStateException("slot " + pc + " does arithmetic on a pointer");
            }
            value[dst] += operand;
            break;
          }
          if (operandKind != Kind.SCALAR) {
            throw new IllegalStateException("slot " + pc + " mixes a pointer into a scalar");
          }
          long a = value[dst];
          long r =
              switch (op) {
                case Opcodes.ADD -> a + operand;
                case Opcodes.SUB -> a - operand;
                case Opcodes.AND -> a & operand;
                case Opcodes.OR -> a | operand;
                case Opcodes.XOR -> a ^ operand;
                case Opcodes.LSH -> a << (operand & 63);
                case Opcodes.RSH -> a >>> (operand & 63);
                default -> throw new IllegalStateException("slot " + pc + ": unsupported op " + op);
              };
          value[dst] = wide ? r : r & 0xffffffffL;
        }
        case Opcodes.LDX -> {
          Size size = Size.ofBits(code & 0x18);
          requireMode(code, Opcodes.MEM, pc);
          long address = pointer(kind, value, src, pc) + insn.off();
          switch (kind[src]) {
            case CONTEXT -> value[dst] = context.load((int) address, size);
            case STACK -> value[dst] = read(stack, stackWritten, address, size, pc);
            case VALUE -> value[dst] = read(map.get(key[src]), null, address, size, pc);
            default -> throw new IllegalStateException("slot " + pc + " loads through r" + src);
          }
          kind[dst] = Kind.SCALAR;
        }
        case Opcodes.ST, Opcodes.STX -> {
          Size size = Size.ofBits(code & 0x18);
          int mode = code & 0xe0;
          long address = pointer(kind, value, dst, pc) + insn.off();
          long stored;
          if (cls == Opcodes.ST) {
            stored = insn.imm();
          } else {
            requireScalar(kind, src, pc);
            stored = value[src];
          }
          byte[] memory =
              switch (kind[dst]) {
                case STACK -> stack;
                case VALUE -> map.get(key[dst]);
                default ->
                    throw new IllegalStateException("slot " + pc + " stores through r" + dst);
              };
          if (mode == Opcodes.MEM) {
            write(memory, kind[dst] == Kind.STACK ? stackWritten : null, address, size, stored, pc);
          } else if (mode == Opcodes.ATOMIC && cls == Opcodes.STX) {
            if (address % size.bytes() != 0) {
              throw new IllegalStateException("slot " + pc + ": unaligned atomic at " + address);
            }
            long old = read(memory, null, address, size, pc);
            long updated =
                switch (insn.imm()) {
                  case Opcodes.ADD -> old + stored;
                  case Opcodes.OR -> old | stored;
                  default ->
                      throw new IllegalStateException("slot " + pc + ": atomic " + insn.imm());
                };
            write(memory, null, address, size, updated, pc);
          } else {
            throw new IllegalStateException("slot " + pc + ": unsupported store mode " + mode);
          }
        }
        case Opcodes.LD -> {
          if (!insn.isWideLoad() || pc + 1 >= slots.size()) {
            throw new IllegalStateException("slot " + pc + ": unsupported LD");
          }
          Insn high = slots.get(pc + 1);
          if (src == Opcodes.PSEUDO_MAP_FD) {
            if (insn.imm() != mapFd) {
              throw new IllegalStateException("slot " + pc + " names map fd " + insn.imm());
            }
            kind[dst] = Kind.MAP;
            value[dst] = 0;
          } else {
            kind[dst] = Kind.SCALAR;
            value[dst] = (insn.imm() & 0xffffffffL) | ((long) high.imm() << 32);
          }
          pc += 2;
          continue;
        }
        case Opcodes.JMP -> {
          int op = code & 0xf0;
          if (op == Opcodes.EXIT) {
            requireScalar(kind, 0, pc);
            return value[0];
          }
          if (op == Opcodes.CALL) {
            call(insn.imm(), value, kind, key, stack, stackWritten, pc);
            break;
          }
          if (op == Opcodes.JA) {
            pc += 1 + insn.off();
            continue;
          }
          Cond cond = Cond.ofOp(op);
          if (kind[dst] == Kind.UNSET) {
            throw new IllegalStateException("slot " + pc + " compares unset r" + dst);
          }
          long b;
          if ((code & Opcodes.X) != 0) {
            requireScalar(kind, src, pc);
            b = value[src];
          } else {
            b = insn.imm();
          }
          long a = kind[dst] == Kind.VALUE ? 1 : value[dst];
          if (kind[dst] != Kind.SCALAR && !(kind[dst] == Kind.VALUE && b == 0)) {
            throw new IllegalStateException("slot " + pc + " compares a pointer with " + b);
          }
          if (cond.test(a, b)) {
            pc += 1 + insn.off();
            continue;
          }
        }
        default -> throw new IllegalStateException("slot " + pc + ": unsupported class " + cls);
      }
      pc++;
    }
    throw new IllegalStateException("the program ran more than " + STEP_LIMIT + " steps");
  }

  private void call(
      int helper,
      long[] value,
      Kind[] kind,
      int[] key,
      byte[] stack,
      boolean[] stackWritten,
      int pc) {
    switch (helper) {
      case 1 -> {
        if (kind[1] != Kind.MAP || kind[2] != Kind.STACK) {
          throw new IllegalStateException("slot " + pc + ": map_lookup_elem(map, &key) expected");
        }
        int k = (int) read(stack, stackWritten, value[2], Size.W, pc);
        byte[] element = map.get(k);
        if (element == null) {
          kind[0] = Kind.SCALAR;
          value[0] = 0;
        } else {
          kind[0] = Kind.VALUE;
          key[0] = k;
          value[0] = 0;
        }
      }
      case 109 -> {
        requireScalar(kind, 1, pc);
        signals.add((int) value[1]);
        kind[0] = Kind.SCALAR;
        value[0] = 0;
      }
      default -> throw new IllegalStateException("slot " + pc + ": unknown helper " + helper);
    }
    for (int r = 1; r <= 5; r++) {
      kind[r] = Kind.UNSET;
    }
  }

  private static long swap(long v, int bits, boolean toBigEndian) {
    // This evaluator models a little-endian host: to-BE swaps, to-LE only truncates.
    return switch (bits) {
      case 16 -> toBigEndian ? Short.reverseBytes((short) v) & 0xffffL : v & 0xffffL;
      case 32 -> toBigEndian ? Integer.reverseBytes((int) v) & 0xffffffffL : v & 0xffffffffL;
      case 64 -> toBigEndian ? Long.reverseBytes(v) : v;
      default -> throw new IllegalStateException("swap width " + bits);
    };
  }

  private static void requireScalar(Kind[] kind, int reg, int pc) {
    if (kind[reg] != Kind.SCALAR) {
      throw new IllegalStateException("slot " + pc + ": r" + reg + " is " + kind[reg]);
    }
  }

  private static void requireMode(int code, int mode, int pc) {
    if ((code & 0xe0) != mode) {
      throw new IllegalStateException("slot " + pc + ": unsupported mode " + (code & 0xe0));
    }
  }

  private static long pointer(Kind[] kind, long[] value, int reg, int pc) {
    if (kind[reg] == Kind.SCALAR || kind[reg] == Kind.UNSET || kind[reg] == Kind.MAP) {
      throw new IllegalStateException("slot " + pc + ": r" + reg + " is not a pointer");
    }
    return value[reg];
  }

  private static long read(byte[] memory, boolean[] written, long address, Size size, int pc) {
    check(memory, address, size, pc);
    ByteBuffer view = ByteBuffer.wrap(memory).order(ByteOrder.LITTLE_ENDIAN);
    int at = (int) address;
    if (written != null) {
      for (int i = 0; i < size.bytes(); i++) {
        if (!written[at + i]) {
          throw new IllegalStateException("slot " + pc + " reads unwritten stack at " + (at + i));
        }
      }
    }
    return switch (size) {
      case B -> view.get(at) & 0xffL;
      case H -> view.getShort(at) & 0xffffL;
      case W -> view.getInt(at) & 0xffffffffL;
      case DW -> view.getLong(at);
    };
  }

  private static void write(
      byte[] memory, boolean[] written, long address, Size size, long v, int pc) {
    check(memory, address, size, pc);
    ByteBuffer view = ByteBuffer.wrap(memory).order(ByteOrder.LITTLE_ENDIAN);
    int at = (int) address;
    switch (size) {
      case B -> view.put(at, (byte) v);
      case H -> view.putShort(at, (short) v);
      case W -> view.putInt(at, (int) v);
      case DW -> view.putLong(at, v);
    }
    if (written != null) {
      for (int i = 0; i < size.bytes(); i++) {
        written[at + i] = true;
      }
    }
  }

  private static void check(byte[] memory, long address, Size size, int pc) {
    if (address < 0 || address + size.bytes() > memory.length) {
      throw new IllegalStateException(
          "slot "
              + pc
              + ": access of "
              + size.bytes()
              + " bytes at "
              + address
              + " outside "
              + memory.length);
    }
  }
}
