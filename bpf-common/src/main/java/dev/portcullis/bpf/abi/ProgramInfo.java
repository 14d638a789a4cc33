package dev.portcullis.bpf.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * What {@code BPF_OBJ_GET_INFO_BY_FD} says about a program, as far as the guard needs it: its type,
 * id, name and the ids of the maps it uses.
 *
 * @param type the {@code prog_type} number
 * @param id the program's id
 * @param name the name it was loaded with
 * @param mapIds the ids of the maps it uses, in the kernel's order
 * @since 0.2
 */
public record ProgramInfo(int type, int id, String name, List<Integer> mapIds) {

  /** The bytes of {@code struct bpf_prog_info} the guard asks for: up to and with the name. */
  public static final int LENGTH = 80;

  private static final int ID = 4;
  private static final int NR_MAP_IDS = 52;
  private static final int MAP_IDS = 56;
  private static final int NAME = 64;

  /** Copies the map ids. */
  public ProgramInfo {
    mapIds = List.copyOf(mapIds);
  }

  /**
   * Prepares {@code info} ({@link #LENGTH} bytes) for the call. The kernel reads the struct before
   * it writes it: every field must be zero but the room for map ids, or it would try to copy the
   * program's instructions to address 0.
   */
  public static ByteBuffer request(ByteBuffer info, int mapIdCapacity, long mapIdsAddress) {
    info.clear().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < LENGTH; i++) {
      info.put(i, (byte) 0);
    }
    info.putInt(NR_MAP_IDS, mapIdCapacity).putLong(MAP_IDS, mapIdsAddress);
    return info;
  }

  /**
   * Reads the answer: {@code info} as the kernel filled it, and {@code mapIds}, the little-endian
   * u32 array whose address {@link #request} passed. The kernel writes the real number of maps,
   * which may exceed the room given; only the ids that fitted are returned.
   */
  public static ProgramInfo decode(ByteBuffer info, ByteBuffer mapIds, int mapIdCapacity) {
    info.order(ByteOrder.LITTLE_ENDIAN);
    mapIds.order(ByteOrder.LITTLE_ENDIAN);
    int count = Math.min(info.getInt(NR_MAP_IDS), mapIdCapacity);
    Integer[] ids = new Integer[count];
    for (int i = 0; i < count; i++) {
      ids[i] = mapIds.getInt(4 * i);
    }
    return new ProgramInfo(
        info.getInt(0), info.getInt(ID), BpfAttr.getName(info, NAME), List.of(ids));
  }

  /** How many maps the kernel said the program uses, even beyond the room given. */
  public static int mapCount(ByteBuffer info) {
    return info.order(ByteOrder.LITTLE_ENDIAN).getInt(NR_MAP_IDS);
  }
}
