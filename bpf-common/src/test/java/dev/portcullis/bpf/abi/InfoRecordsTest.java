package dev.portcullis.bpf.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bpf_prog_info} and {@code bpf_map_info} are read at the kernel's offsets. */
class InfoRecordsTest {

  @Test
  void aProgramInfoRequestIsZeroButForTheRoomForMapIds() {
    ByteBuffer info = ByteBuffer.allocate(ProgramInfo.LENGTH);
    for (int i = 0; i < ProgramInfo.LENGTH; i++) {
      info.put(i, (byte) 0x5a);
    }
    ProgramInfo.request(info, 8, 0x1234L);
    for (int i = 0; i < ProgramInfo.LENGTH; i++) {
      if (i < 52 || i >= 64) {
        assertEquals(0, info.get(i), "byte " + i);
      }
    }
    assertEquals(8, info.order(ByteOrder.LITTLE_ENDIAN).getInt(52));
    assertEquals(0x1234L, info.getLong(56));
  }

  @Test
  void decodesAProgramInfo() {
    ByteBuffer info = ByteBuffer.allocate(ProgramInfo.LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    info.putInt(0, 18).putInt(4, 4711).putInt(52, 2);
    info.put(64, "pc_bind6".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer ids =
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 31).putInt(4, 32);
    assertEquals(
        new ProgramInfo(18, 4711, "pc_bind6", List.of(31, 32)), ProgramInfo.decode(info, ids, 4));
    assertEquals(2, ProgramInfo.mapCount(info));
    // Only the ids that fitted are read when the kernel reports more.
    assertEquals(List.of(31), ProgramInfo.decode(info, ids, 1).mapIds());
  }

  @Test
  void aFullSixteenByteNameHasNoTerminator() {
    ByteBuffer info = ByteBuffer.allocate(ProgramInfo.LENGTH + 8).order(ByteOrder.LITTLE_ENDIAN);
    info.put(64, "abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII));
    info.put(80, (byte) 'q');
    assertEquals("abcdefghijklmnop", ProgramInfo.decode(info, ByteBuffer.allocate(0), 0).name());
  }

  @Test
  void decodesAMapInfo() {
    ByteBuffer info = ByteBuffer.allocate(MapInfo.LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    info.putInt(0, 2).putInt(4, 99).putInt(8, 4).putInt(12, 8192).putInt(16, 6).putInt(20, 0);
    info.put(24, "pc_guard".getBytes(StandardCharsets.US_ASCII));
    MapInfo decoded = MapInfo.decode(info);
    assertEquals(new MapInfo(2, 99, 4, 8192, 6, 0, "pc_guard"), decoded);
    MapInfo.request(info);
    for (int i = 0; i < MapInfo.LENGTH; i++) {
      assertEquals(0, info.get(i));
    }
  }
}
