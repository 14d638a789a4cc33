package dev.portcullis.bpf.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Labels resolve to the slot offsets the kernel counts, and misuse is refused. */
class AssemblerTest {

  /** One step of a random program: an instruction of one or two slots, or a jump to a label. */
  record Step(int kind, int label) {}

  @Provide
  Arbitrary<List<Step>> programs() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 7))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(60);
  }

  /**
   * Emits the steps, binding eight labels at random slots, and checks that every jump's offset,
   * counted from the slot after the jump, lands exactly where its label was bound, with wide loads
   * counting as two slots.
   */
  @Property
  void everyJumpLandsOnItsLabel(
      @ForAll("programs") List<Step> steps, @ForAll @IntRange(min = 0, max = 1000) int seed) {
    Assembler a = new Assembler();
    Label[] labels = new Label[8];
    int[] boundAt = new int[8];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = a.label("l" + i);
    }
    java.util.Random random = new java.util.Random(seed);
    List<Integer> bindOrder = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      bindOrder.add(random.nextInt(steps.size()));
    }
    List<int[]> jumps = new ArrayList<>(); // slot, label
    for (int s = 0; s < steps.size(); s++) {
      for (int l = 0; l < labels.length; l++) {
        if (bindOrder.get(l) == s) {
          boundAt[l] = a.position();
          a.bind(labels[l]);
        }
      }
      Step step = steps.get(s);
      switch (step.kind()) {
        case 0 -> a.mov(Reg.R0, s);
        case 1 -> a.loadMapFd(Reg.R1, s);
        case 2 -> {
          jumps.add(new int[] {a.position(), step.label()});
          a.jump(labels[step.label()]);
        }
        case 3 -> {
          jumps.add(new int[] {a.position(), step.label()});
          a.jumpIf(Cond.GT, Reg.R3, s, labels[step.label()]);
        }
        default -> {
          jumps.add(new int[] {a.position(), step.label()});
          a.jumpIf(Cond.SLE, Reg.R3, Reg.R4, labels[step.label()]);
        }
      }
    }
    a.exit();
    Program program = a.assemble();
    ByteBuffer bytes = ByteBuffer.wrap(program.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (int[] jump : jumps) {
      int slot = jump[0];
      short offset = bytes.getShort(slot * Insn.BYTES + 2);
      assertEquals(boundAt[jump[1]], slot + 1 + offset, "jump at slot " + slot);
      assertEquals(offset, program.slots().get(slot).off());
    }
  }

  @Test
  void aBackwardJumpHasANegativeOffset() {
    Assembler a = new Assembler();
    Label top = a.label("top");
    a.bind(top).mov(Reg.R0, 0).loadMapFd(Reg.R1, 3).jump(top);
    assertEquals(-4, a.assemble().slots().get(3).off());
  }

  @Test
  void anUnboundLabelIsAnError() {
    Assembler a = new Assembler();
    a.jump(a.label("nowhere")).exit();
    IllegalStateException e = assertThrows(IllegalStateException.class, a::assemble);
    assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
  }

  @Test
  void aLabelBoundPastTheEndIsAnError() {
    Assembler a = new Assembler();
    Label end = a.label("end");
    a.jump(end).bind(end);
    assertThrows(IllegalStateException.class, a::assemble);
  }

  @Test
  void aLabelIsBoundOnceAndOnlyByItsAssembler() {
    Assembler a = new Assembler();
    Label label = a.label("once");
    a.bind(label);
    assertThrows(IllegalStateException.class, () -> a.bind(label));
    assertThrows(IllegalArgumentException.class, () -> new Assembler().jump(label));
  }

  @Test
  void aJumpBeyondSixteenBitsIsAnError() {
    Assembler a = new Assembler();
    Label far = a.label("far");
    a.jump(far);
    for (int i = 0; i < 40_000; i++) {
      a.mov(Reg.R0, 0);
    }
    a.bind(far).exit();
    assertThrows(IllegalStateException.class, a::assemble);
  }
}
