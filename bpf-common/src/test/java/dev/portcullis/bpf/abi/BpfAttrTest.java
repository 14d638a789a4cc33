package dev.portcullis.bpf.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each command's fields are at the offsets of {@code union bpf_attr}, and every other byte of the
 * 144 is zero even when the buffer was dirty.
 */
class BpfAttrTest {

  /** A buffer full of 0xff, so that any byte not zeroed shows. */
  private static ByteBuffer dirty() {
    ByteBuffer attr = ByteBuffer.allocate(BpfAttr.SIZE);
    for (int i = 0; i < BpfAttr.SIZE; i++) {
      attr.put(i, (byte) 0xff);
    }
    return attr;
  }

  /** The non-zero bytes, by offset. */
  private static Map<Integer, Integer> nonZero(ByteBuffer attr) {
    Map<Integer, Integer> bytes = new TreeMap<>();
    for (int i = 0; i < BpfAttr.SIZE; i++) {
      if (attr.get(i) != 0) {
        bytes.put(i, attr.get(i) & 0xff);
      }
    }
    return bytes;
  }

  @Test
  void mapCreate() {
    ByteBuffer attr = BpfAttr.mapCreate(dirty(), MapType.ARRAY, 4, 8192, 6, 0, "pc_guard");
    assertEquals(ByteOrder.LITTLE_ENDIAN, attr.order());
    Map<Integer, Integer> expected = new TreeMap<>();
    expected.put(0, 2);
    expected.put(4, 4);
    expected.put(9, 0x20); // 8192 = 0x2000
    expected.put(12, 6);
    byte[] name = "pc_guard".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i < name.length; i++) {
      expected.put(28 + i, name[i] & 0xff);
    }
    assertEquals(expected, nonZero(attr));
  }

  @Test
  void element() {
    ByteBuffer attr = BpfAttr.element(dirty(), 5, 0x1122334455667788L, 0x0102030405060708L, 0);
    assertEquals(5, attr.getInt(0));
    assertEquals(0, attr.getInt(4));
    assertEquals(0x1122334455667788L, attr.getLong(8));
    assertEquals(0x0102030405060708L, attr.getLong(16));
    assertEquals(0, attr.getLong(24));
    assertEquals(
        BpfAttr.SIZE - 4 - 8 - 8 + countZeroBytes(5, 0x1122334455667788L, 0x0102030405060708L),
        BpfAttr.SIZE - nonZero(attr).size());
  }

  private static int countZeroBytes(int i, long a, long b) {
    int zeros = 0;
    for (int k = 0; k < 4; k++) {
      zeros += ((i >>> (8 * k)) & 0xff) == 0 ? 1 : 0;
    }
    for (long v : new long[] {a, b}) {
      for (int k = 0; k < 8; k++) {
        zeros += ((v >>> (8 * k)) & 0xff) == 0 ? 1 : 0;
      }
    }
    return zeros;
  }

  @Test
  void programLoad() {
    ByteBuffer attr =
        BpfAttr.programLoad(
            dirty(),
            ProgramType.CGROUP_SOCK_ADDR,
            27,
            0x10L,
            0x20L,
            1,
            4096,
            0x30L,
            "pc_bind4",
            AttachType.CGROUP_INET4_BIND,
            0);
    assertEquals(18, attr.getInt(0));
    assertEquals(27, attr.getInt(4));
    assertEquals(0x10L, attr.getLong(8));
    assertEquals(0x20L, attr.getLong(16));
    assertEquals(1, attr.getInt(24));
    assertEquals(4096, attr.getInt(28));
    assertEquals(0x30L, attr.getLong(32));
    assertEquals("pc_bind4", BpfAttr.getName(attr, 48));
    assertEquals(8, attr.getInt(68));
    for (int offset : new int[] {40, 44, 64, 72, 76, 80, 100, 108, 120, 140}) {
      assertEquals(0, attr.getInt(offset), "offset " + offset);
    }
  }

  @Test
  void tracingProgramLoadCarriesItsBtfId() {
    ByteBuffer attr =
        BpfAttr.programLoad(
            dirty(),
            ProgramType.TRACING,
            30,
            0x10L,
            0x20L,
            0,
            0,
            0,
            "pc_holders",
            AttachType.TRACE_ITER,
            64101);
    assertEquals(26, attr.getInt(0));
    assertEquals(28, attr.getInt(68));
    assertEquals(64101, attr.getInt(108));
    assertEquals(0, attr.getInt(112), "attach_btf_obj_fd: the kernel's own BTF");
  }

  @Test
  void iteratorLinkAndRead() {
    ByteBuffer link = BpfAttr.linkCreate(dirty(), 7, 0, AttachType.TRACE_ITER);
    assertEquals(7, link.getInt(0));
    assertEquals(0, link.getInt(4));
    assertEquals(28, link.getInt(8));
    for (int offset = 12; offset < BpfAttr.SIZE; offset += 4) {
      assertEquals(0, link.getInt(offset), "offset " + offset);
    }
    ByteBuffer read = BpfAttr.iterCreate(dirty(), 9);
    assertEquals(9, read.getInt(0));
    for (int offset = 4; offset < BpfAttr.SIZE; offset += 4) {
      assertEquals(0, read.getInt(offset), "offset " + offset);
    }
  }

  @Test
  void aLogBufferNeedsALevel() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            BpfAttr.programLoad(
                dirty(),
                ProgramType.SOCK_OPS,
                1,
                1,
                1,
                0,
                4096,
                0x30L,
                "x",
                AttachType.CGROUP_SOCK_OPS,
                0));
  }

  @Test
  void attachDetachAndQuery() {
    ByteBuffer attach =
        BpfAttr.attach(dirty(), 3, 4, AttachType.CGROUP_INET6_POST_BIND, BpfAttr.ALLOW_MULTI, 0);
    assertEquals(Map.of(0, 3, 4, 4, 8, 13, 12, 2), nonZero(attach));
    ByteBuffer detach = BpfAttr.detach(dirty(), 3, 4, AttachType.CGROUP_SOCK_OPS);
    assertEquals(Map.of(0, 3, 4, 4, 8, 3), nonZero(detach));
    ByteBuffer query = BpfAttr.query(dirty(), 3, AttachType.CGROUP_INET4_BIND, 0x44L, 64);
    assertEquals(Map.of(0, 3, 4, 8, 16, 0x44, 24, 64), nonZero(query));
    query.putInt(24, 2).putInt(12, 2);
    assertEquals(2, BpfAttr.queryCount(query));
    assertEquals(BpfAttr.ALLOW_MULTI, BpfAttr.queryAttachFlags(query));
  }

  @Test
  void idsAndInfo() {
    assertEquals(Map.of(0, 9), nonZero(BpfAttr.byId(dirty(), 9)));
    ByteBuffer next = BpfAttr.nextId(dirty(), 300);
    assertEquals(Map.of(0, 300 & 0xff, 1, 1), nonZero(next));
    next.putInt(4, 301);
    assertEquals(301, BpfAttr.nextIdResult(next));
    assertEquals(Map.of(0, 5, 4, 80, 8, 0x55), nonZero(BpfAttr.infoByFd(dirty(), 5, 80, 0x55L)));
  }

  @Test
  void namesAreCheckedAsTheKernelChecksThem() {
    assertEquals("pc_listen", BpfAttr.checkName("pc_listen"));
    assertEquals("a.b_C9", BpfAttr.checkName("a.b_C9"));
    assertThrows(IllegalArgumentException.class, () -> BpfAttr.checkName("sixteen_chars_xx"));
    assertThrows(IllegalArgumentException.class, () -> BpfAttr.checkName("pc-guard"));
    assertThrows(IllegalArgumentException.class, () -> BpfAttr.checkName("pc guard"));
    assertThrows(
        IllegalArgumentException.class,
        () -> BpfAttr.mapCreate(dirty(), MapType.ARRAY, 4, 4, 1, 0, "ü"));
  }

  @Test
  void aShortBufferIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> BpfAttr.byId(ByteBuffer.allocate(143), 1));
  }
}
