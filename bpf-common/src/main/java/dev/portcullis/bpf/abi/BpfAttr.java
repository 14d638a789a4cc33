package dev.portcullis.bpf.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes {@code union bpf_attr}, the 144-byte argument of {@code bpf(2)}, for each command the
 * guard issues. Every method first zeroes the whole buffer: the kernel refuses a command whose
 * unused bytes are not zero (so newer fields are never set by accident), and a stale pointer left
 * in a reused buffer would be read as an argument.
 *
 * <p>Addresses of other memory (instructions, keys, values, logs) are passed in as numbers; the
 * caller keeps that memory reachable until the call returns. Fields are little-endian: the guard
 * runs only on little-endian hosts, where that is the native order.
 *
 * @since 0.2
 */
public final class BpfAttr {

  /** The size of {@code union bpf_attr} the guard passes. */
  public static final int SIZE = 144;

  /** The longest object name the kernel keeps: 16 bytes with the terminating NUL. */
  public static final int NAME_MAX = 15;

  /** {@code BPF_F_ALLOW_MULTI}: every program attached along the cgroup path runs. */
  public static final int ALLOW_MULTI = 2;

  /** {@code BPF_F_REPLACE}: the attach swaps out the program named by {@code replace_bpf_fd}. */
  public static final int REPLACE = 4;

  /** Verifier log level 1: the instructions the verifier walked and why it stopped. */
  public static final int LOG_LEVEL_VERIFIER = 1;

  private BpfAttr() {}

  private static ByteBuffer reset(ByteBuffer attr) {
    if (attr.capacity() < SIZE) {
      throw new IllegalArgumentException(
          "bpf_attr needs " + SIZE + " bytes, the buffer has " + attr.capacity());
    }
    attr.clear().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < SIZE; i++) {
      attr.put(i, (byte) 0);
    }
    return attr;
  }

  /** {@code BPF_MAP_CREATE}: map_type, key_size, value_size, max_entries, map_flags, map_name. */
  public static ByteBuffer mapCreate(
      ByteBuffer attr,
      MapType type,
      int keySize,
      int valueSize,
      int maxEntries,
      int flags,
      String name) {
    reset(attr)
        .putInt(0, type.number())
        .putInt(4, keySize)
        .putInt(8, valueSize)
        .putInt(12, maxEntries)
        .putInt(16, flags);
    putName(attr, 28, name);
    return attr;
  }

  /** {@code BPF_MAP_LOOKUP_ELEM} / {@code BPF_MAP_UPDATE_ELEM}: map_fd, key, value, flags. */
  public static ByteBuffer element(
      ByteBuffer attr, int mapFd, long keyAddress, long valueAddress, long flags) {
    reset(attr).putInt(0, mapFd).putLong(8, keyAddress).putLong(16, valueAddress);
    attr.putLong(24, flags);
    return attr;
  }

  /**
   * {@code BPF_PROG_LOAD}: prog_type, insn_cnt, insns, license, the log (level, size, buffer; all
   * zero for none: the kernel refuses a buffer without a level), prog_name, expected_attach_type
   * and attach_btf_id (the kernel's BTF id of what a tracing program attaches to; 0 for others).
   */
  public static ByteBuffer programLoad(
      ByteBuffer attr,
      ProgramType type,
      int instructionCount,
      long instructionsAddress,
      long licenseAddress,
      int logLevel,
      int logSize,
      long logAddress,
      String name,
      AttachType expectedAttachType,
      int attachBtfId) {
    if (logLevel == 0 && (logSize != 0 || logAddress != 0)) {
      throw new IllegalArgumentException("A verifier log buffer needs a log level above 0");
    }
    reset(attr)
        .putInt(0, type.number())
        .putInt(4, instructionCount)
        .putLong(8, instructionsAddress)
        .putLong(16, licenseAddress)
        .putInt(24, logLevel)
        .putInt(28, logSize)
        .putLong(32, logAddress);
    putName(attr, 48, name);
    attr.putInt(68, expectedAttachType.number());
    attr.putInt(108, attachBtfId);
    return attr;
  }

  /**
   * {@code BPF_LINK_CREATE}: prog_fd, target_fd and attach_type; for an iterator, target_fd is 0
   * and no iter_info is given, so that it walks every object of its kind.
   */
  public static ByteBuffer linkCreate(
      ByteBuffer attr, int programFd, int targetFd, AttachType type) {
    reset(attr).putInt(0, programFd).putInt(4, targetFd).putInt(8, type.number());
    return attr;
  }

  /** {@code BPF_ITER_CREATE}: link_fd, and flags 0. */
  public static ByteBuffer iterCreate(ByteBuffer attr, int linkFd) {
    reset(attr).putInt(0, linkFd);
    return attr;
  }

  /**
   * {@code BPF_PROG_ATTACH}: target_fd (a cgroup directory), attach_bpf_fd, attach_type,
   * attach_flags, and replace_bpf_fd (only with {@link #REPLACE}; else 0).
   */
  public static ByteBuffer attach(
      ByteBuffer attr, int cgroupFd, int programFd, AttachType type, int flags, int replaceFd) {
    reset(attr)
        .putInt(0, cgroupFd)
        .putInt(4, programFd)
        .putInt(8, type.number())
        .putInt(12, flags)
        .putInt(16, replaceFd);
    return attr;
  }

  /** {@code BPF_PROG_DETACH}: target_fd, attach_bpf_fd, attach_type. */
  public static ByteBuffer detach(ByteBuffer attr, int cgroupFd, int programFd, AttachType type) {
    reset(attr).putInt(0, cgroupFd).putInt(4, programFd).putInt(8, type.number());
    return attr;
  }

  /** {@code BPF_PROG_GET_FD_BY_ID} / {@code BPF_MAP_GET_FD_BY_ID}: the id. */
  public static ByteBuffer byId(ByteBuffer attr, int id) {
    reset(attr).putInt(0, id);
    return attr;
  }

  /** {@code BPF_PROG_GET_NEXT_ID} / {@code BPF_MAP_GET_NEXT_ID}: start_id. */
  public static ByteBuffer nextId(ByteBuffer attr, int startId) {
    reset(attr).putInt(0, startId);
    return attr;
  }

  /** The next_id a {@code GET_NEXT_ID} command wrote back. */
  public static int nextIdResult(ByteBuffer attr) {
    return attr.order(ByteOrder.LITTLE_ENDIAN).getInt(4);
  }

  /** {@code BPF_OBJ_GET_INFO_BY_FD}: bpf_fd, info_len, info. */
  public static ByteBuffer infoByFd(ByteBuffer attr, int fd, int infoLength, long infoAddress) {
    reset(attr).putInt(0, fd).putInt(4, infoLength).putLong(8, infoAddress);
    return attr;
  }

  /**
   * {@code BPF_PROG_QUERY}: target_fd, attach_type, query_flags (0: only what is attached to this
   * cgroup itself, not inherited), prog_ids and prog_cnt (the room there, in ids).
   */
  public static ByteBuffer query(
      ByteBuffer attr, int cgroupFd, AttachType type, long idsAddress, int capacity) {
    reset(attr)
        .putInt(0, cgroupFd)
        .putInt(4, type.number())
        .putInt(8, 0)
        .putLong(16, idsAddress)
        .putInt(24, capacity);
    return attr;
  }

  /** The prog_cnt a {@code BPF_PROG_QUERY} wrote back: how many programs are attached. */
  public static int queryCount(ByteBuffer attr) {
    return attr.order(ByteOrder.LITTLE_ENDIAN).getInt(24);
  }

  /** The attach_flags a {@code BPF_PROG_QUERY} wrote back (for example {@link #ALLOW_MULTI}). */
  public static int queryAttachFlags(ByteBuffer attr) {
    return attr.order(ByteOrder.LITTLE_ENDIAN).getInt(12);
  }

  /**
   * Checks an object name: at most {@value #NAME_MAX} characters of {@code [A-Za-z0-9_.]}, the only
   * ones the kernel accepts.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static String checkName(String name) {
    if (name.length() > NAME_MAX) {
      throw new IllegalArgumentException(
          "BPF object name '" + name + "' is longer than " + NAME_MAX + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.';
      if (!ok) {
        throw new IllegalArgumentException(
            "BPF object name '" + name + "' may hold only letters, digits, '_' and '.'");
      }
    }
    return name;
  }

  private static void putName(ByteBuffer attr, int offset, String name) {
    byte[] bytes = checkName(name).getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < bytes.length; i++) {
      attr.put(offset + i, bytes[i]);
    }
  }

  /** A NUL-terminated name of at most 16 bytes at {@code offset}, as the kernel writes one. */
  static String getName(ByteBuffer buffer, int offset) {
    StringBuilder name = new StringBuilder();
    for (int i = 0; i <= NAME_MAX; i++) {
      byte b = buffer.get(offset + i);
      if (b == 0) {
        break;
      }
      name.append((char) (b & 0xff));
    }
    return name.toString();
  }
}
