package dev.portcullis.bpf.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class BtfTest {

  /** A blob built by hand: header, types, strings, as the kernel lays them out. */
  private static final class Blob {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();

    Blob() {
      strings.write(0);
    }

    int string(String s) {
      int offset = strings.size();
      strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      strings.write(0);
      return offset;
    }

    Blob type(int nameOff, int kind, int vlen, boolean kindFlag, int sizeOrType, int... extra) {
      ByteBuffer b = ByteBuffer.allocate(12 + 4 * extra.length).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(nameOff).putInt((kindFlag ? 1 << 31 : 0) | (kind << 24) | vlen).putInt(sizeOrType);
      for (int e : extra) {
        b.putInt(e);
      }
      types.writeBytes(b.array());
      return this;
    }

    byte[] bytes() {
      ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
      header.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24);
      header.putInt(0).putInt(types.size()).putInt(types.size()).putInt(strings.size());
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(header.array());
      all.writeBytes(types.toByteArray());
      all.writeBytes(strings.toByteArray());
      return all.toByteArray();
    }
  }

  /**
   * Type 1: int. Type 2: union { int inner; }. Type 3: struct s { int a; (anonymous union at byte
   * 8); int bits:3 at bit 96; }. Type 4: func_proto. Type 5: func f.
   */
  private static Btf sample() throws IOException {
    Blob blob = new Blob();
    int intName = blob.string("int");
    int inner = blob.string("inner");
    int s = blob.string("s");
    int a = blob.string("a");
    int bits = blob.string("bits");
    int f = blob.string("f");
    blob.type(intName, 1, 0, false, 4, 32)
        .type(0, 5, 1, false, 4, inner, 1, 0)
        .type(s, 4, 3, true, 16, a, 1, 0, 0, 2, 64, bits, 1, (3 << 24) | 96)
        .type(0, 13, 0, false, 0)
        .type(f, 12, 1, false, 4);
    return Btf.parse(blob.bytes());
  }

  @Test
  void findsFunctionsAndMembersThroughAnonymousUnions() throws IOException {
    Btf btf = sample();
    assertEquals(6, btf.typeCount());
    assertEquals(OptionalInt.of(5), btf.functionId("f"));
    assertEquals(OptionalInt.of(0), btf.memberOffset("s", "a"));
    assertEquals(OptionalInt.of(8), btf.memberOffset("s", "inner"));
  }

  @Test
  void answersNothingForWhatIsMissingOrABitField() throws IOException {
    Btf btf = sample();
    assertEquals(OptionalInt.empty(), btf.functionId("s"), "a struct is not a function");
    assertEquals(OptionalInt.empty(), btf.functionId("g"));
    assertEquals(OptionalInt.empty(), btf.memberOffset("s", "b"));
    assertEquals(OptionalInt.empty(), btf.memberOffset("t", "a"));
    assertEquals(OptionalInt.empty(), btf.memberOffset("s", "bits"));
    assertEquals(OptionalInt.empty(), btf.memberOffset("s", "in"), "a prefix is not a name");
  }

  @Test
  void refusesWhatIsNotBtf() {
    assertThrows(IOException.class, () -> Btf.parse(new byte[24]));
    byte[] sample = new Blob().type(0, 30, 0, false, 0).bytes();
    IOException unknown = assertThrows(IOException.class, () -> Btf.parse(sample));
    assertTrue(unknown.getMessage().contains("kind 30"), unknown.getMessage());
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void readsTheRunningKernelsBtf() throws IOException {
    assumeTrue(
        Files.isReadable(Btf.VMLINUX) || System.getenv("PORTCULLIS_REQUIRE_LINUX") != null,
        "this kernel publishes no BTF (" + Btf.VMLINUX + ")");
    Btf btf = Btf.vmlinux();
    assertTrue(btf.typeCount() > 10_000, btf.typeCount() + " types");
    assertTrue(btf.functionId("bpf_iter_task_file").isPresent());
    // The iterator's context, as the kernel declares it: four 8-byte slots.
    assertEquals(OptionalInt.of(0), btf.memberOffset("bpf_iter__task_file", "meta"));
    assertEquals(OptionalInt.of(8), btf.memberOffset("bpf_iter__task_file", "task"));
    assertEquals(OptionalInt.of(16), btf.memberOffset("bpf_iter__task_file", "fd"));
    assertEquals(OptionalInt.of(24), btf.memberOffset("bpf_iter__task_file", "file"));
    // pid_t pid; pid_t tgid; in every kernel's task_struct.
    int pid = btf.memberOffset("task_struct", "pid").orElseThrow();
    assertEquals(OptionalInt.of(pid + 4), btf.memberOffset("task_struct", "tgid"));
  }
}
