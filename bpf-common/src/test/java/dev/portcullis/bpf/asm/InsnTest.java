package dev.portcullis.bpf.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each instruction the guard emits encodes to the bytes the kernel's instruction macros define: the
 * opcode, {@code dst} in the low nibble and {@code src} in the high one, then the offset and
 * immediate, little-endian.
 */
class InsnTest {

  private static String bytes(Consumer<Assembler> emit) {
    Assembler a = new Assembler();
    emit.accept(a);
    return HexFormat.ofDelimiter(" ").formatHex(a.assemble().bytes());
  }

  @Test
  void moves() {
    assertEquals("b7 00 00 00 01 00 00 00", bytes(a -> a.mov(Reg.R0, 1)));
    assertEquals("b7 01 00 00 ff ff ff ff", bytes(a -> a.mov(Reg.R1, -1)));
    assertEquals("bf 16 00 00 00 00 00 00", bytes(a -> a.mov(Reg.R6, Reg.R1)));
  }

  @Test
  void arithmetic() {
    assertEquals("07 02 00 00 fc ff ff ff", bytes(a -> a.add(Reg.R2, -4)));
    assertEquals("0f 10 00 00 00 00 00 00", bytes(a -> a.add(Reg.R0, Reg.R1)));
    assertEquals("57 07 00 00 ff ff 00 00", bytes(a -> a.and(Reg.R7, 0xffff)));
    assertEquals("77 01 00 00 03 00 00 00", bytes(a -> a.rsh(Reg.R1, 3)));
    assertEquals("7f 21 00 00 00 00 00 00", bytes(a -> a.rsh(Reg.R1, Reg.R2)));
    assertEquals("67 01 00 00 03 00 00 00", bytes(a -> a.lsh(Reg.R1, 3)));
    assertEquals("6f 32 00 00 00 00 00 00", bytes(a -> a.lsh(Reg.R2, Reg.R3)));
    assertEquals("b4 03 00 00 07 00 00 00", bytes(a -> a.alu32(Opcodes.MOV, Reg.R3, 7)));
    assertEquals("ac 21 00 00 00 00 00 00", bytes(a -> a.alu32(Opcodes.XOR, Reg.R1, Reg.R2)));
  }

  @Test
  void byteSwaps() {
    assertEquals("dc 07 00 00 10 00 00 00", bytes(a -> a.toBigEndian(Reg.R7, 16)));
    assertEquals("dc 07 00 00 20 00 00 00", bytes(a -> a.toBigEndian(Reg.R7, 32)));
    assertEquals("d4 07 00 00 40 00 00 00", bytes(a -> a.toLittleEndian(Reg.R7, 64)));
    assertThrows(IllegalArgumentException.class, () -> new Assembler().toBigEndian(Reg.R1, 8));
  }

  @Test
  void loadsAndStores() {
    assertEquals("61 67 18 00 00 00 00 00", bytes(a -> a.load(Size.W, Reg.R7, Reg.R6, 24)));
    assertEquals("71 01 00 00 00 00 00 00", bytes(a -> a.load(Size.B, Reg.R1, Reg.R0, 0)));
    assertEquals("79 01 08 00 00 00 00 00", bytes(a -> a.load(Size.DW, Reg.R1, Reg.R0, 8)));
    assertEquals("63 8a fc ff 00 00 00 00", bytes(a -> a.store(Size.W, Reg.R10, -4, Reg.R8)));
    assertEquals("62 0a fc ff 04 00 00 00", bytes(a -> a.store(Size.W, Reg.R10, -4, 4)));
    assertEquals("6b 1a fe ff 00 00 00 00", bytes(a -> a.store(Size.H, Reg.R10, -2, Reg.R1)));
  }

  @Test
  void atomics() {
    assertEquals("db 10 08 00 00 00 00 00", bytes(a -> a.atomicAdd(Size.DW, Reg.R0, 8, Reg.R1)));
    assertEquals("db 20 00 00 40 00 00 00", bytes(a -> a.atomicOr(Size.DW, Reg.R0, 0, Reg.R2)));
    assertEquals("c3 10 00 00 00 00 00 00", bytes(a -> a.atomicAdd(Size.W, Reg.R0, 0, Reg.R1)));
    assertThrows(
        IllegalArgumentException.class, () -> new Assembler().atomicOr(Size.B, Reg.R0, 0, Reg.R1));
  }

  @Test
  void wideLoadsTakeTwoSlots() {
    assertEquals(
        "18 11 00 00 05 00 00 00 00 00 00 00 00 00 00 00", bytes(a -> a.loadMapFd(Reg.R1, 5)));
    assertEquals(
        "18 03 00 00 04 03 02 01 00 00 00 00 08 07 06 05",
        bytes(a -> a.loadImm64(Reg.R3, 0x0506070801020304L)));
  }

  @Test
  void callsJumpsAndExit() {
    assertEquals("85 00 00 00 01 00 00 00", bytes(a -> a.call(1)));
    assertEquals("85 00 00 00 6d 00 00 00", bytes(a -> a.call(109)));
    assertEquals("95 00 00 00 00 00 00 00", bytes(Assembler::exit));
    assertEquals(
        "15 07 01 00 00 00 00 00 95 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00",
        bytes(
            a -> {
              Label out = a.label("out");
              a.jumpIf(Cond.EQ, Reg.R7, 0, out).exit().bind(out).exit();
            }));
    assertEquals(
        "5d 21 00 00 00 00 00 00 95 00 00 00 00 00 00 00",
        bytes(
            a -> {
              Label next = a.label("next");
              a.jumpIf(Cond.NE, Reg.R1, Reg.R2, next).bind(next).exit();
            }));
  }

  @Test
  void decodingReadsBackWhatWasEncoded() {
    Insn insn = new Insn(0x61, 7, 6, -24, 0x12345678);
    Program program = new Program(java.util.List.of(insn));
    assertEquals(java.util.List.of(insn), Program.decode(program.bytes()).slots());
    assertArrayEquals(program.bytes(), Program.decode(program.bytes()).bytes());
  }

  @Test
  void fieldsOutOfRangeAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Insn(0x100, 0, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Insn(0, 16, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Insn(0, 0, -1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Insn(0, 0, 0, 32768, 0));
    assertThrows(IllegalArgumentException.class, () -> Program.decode(new byte[7]));
  }
}
