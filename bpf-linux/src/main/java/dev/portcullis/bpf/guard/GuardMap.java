package dev.portcullis.bpf.guard;

import dev.portcullis.bpf.abi.MapInfo;
import dev.portcullis.bpf.abi.MapType;

/**
 * The shape of a guard's map: one {@code BPF_MAP_TYPE_ARRAY} per guarded cgroup, holding the {@link
 * GuardEntry} values. Every program of the guard refers to it; the attached programs keep it alive,
 * so it needs no pin and goes when the last of them is detached or the cgroup is removed.
 *
 * @since 0.2
 */
public final class GuardMap {

  /** The map's name, by which a guard's map is told from any other. */
  public static final String NAME = "pc_guard";

  /** The map type. */
  public static final MapType TYPE = MapType.ARRAY;

  /** An array's key is a u32 index. */
  public static final int KEY_SIZE = 4;

  /** One bit for each of the 65536 ports. */
  public static final int VALUE_SIZE = PortBitmap.BYTES;

  /** One entry per {@link GuardEntry}. */
  public static final int ENTRIES = GuardEntry.values().length;

  /** Where in {@link GuardEntry#COUNTERS} the count of refused binds is. */
  public static final int REFUSED_BINDS = 0;

  /** Where in {@link GuardEntry#COUNTERS} the count of stopped listeners is. */
  public static final int STOPPED_LISTENERS = 8;

  private GuardMap() {}

  /** Whether a map, by its name and shape, is a guard's map. */
  public static boolean isGuardMap(MapInfo info) {
    return info.name().equals(NAME)
        && info.type() == TYPE.number()
        && info.keySize() == KEY_SIZE
        && info.valueSize() == VALUE_SIZE
        && info.maxEntries() == ENTRIES;
  }
}
