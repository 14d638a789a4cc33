package dev.portcullis.bpf.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What {@code BPF_OBJ_GET_INFO_BY_FD} says about a map, as far as the guard needs it.
 *
 * @param type the {@code map_type} number
 * @param id the map's id
 * @param keySize the key size in bytes
 * @param valueSize the value size in bytes
 * @param maxEntries the number of entries
 * @param flags the {@code map_flags} it was created with
 * @param name the name it was created with
 * @since 0.2
 */
public record MapInfo(
    int type, int id, int keySize, int valueSize, int maxEntries, int flags, String name) {

  /** The bytes of {@code struct bpf_map_info} the guard asks for: up to and with the name. */
  public static final int LENGTH = 40;

  /** Zeroes {@code info} ({@link #LENGTH} bytes): the kernel refuses unknown input there. */
  public static ByteBuffer request(ByteBuffer info) {
    info.clear().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < LENGTH; i++) {
      info.put(i, (byte) 0);
    }
    return info;
  }

  /** Reads the answer. */
  public static MapInfo decode(ByteBuffer info) {
    info.order(ByteOrder.LITTLE_ENDIAN);
    return new MapInfo(
        info.getInt(0),
        info.getInt(4),
        info.getInt(8),
        info.getInt(12),
        info.getInt(16),
        info.getInt(20),
        BpfAttr.getName(info, 24));
  }
}
