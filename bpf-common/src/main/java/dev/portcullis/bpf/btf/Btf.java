package dev.portcullis.bpf.btf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The kernel's BTF, read once: the type ids a tracing program is attached by, and the byte offsets
 * of the struct members it reads, so that one program fits every kernel build.
 *
 * <p>Only what a program needs is answered: {@link #functionId} and {@link #memberOffset}. Members
 * of anonymous structs and unions are found through them, as C finds them. The layout is the one
 * {@code Documentation/bpf/btf.rst} describes; a blob in another byte order, or of a version or
 * kind this reader does not know, is refused rather than misread.
 */
public final class Btf {

  /** Where the running kernel publishes its own BTF. */
  public static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

  private static final int CHUNK = 64 * 1024;
  private static final int MAGIC = 0xeb9f;
  private static final int RECORD = 12;

  private static final int KIND_INT = 1;
  private static final int KIND_ARRAY = 3;
  private static final int KIND_STRUCT = 4;
  private static final int KIND_UNION = 5;
  private static final int KIND_ENUM = 6;
  private static final int KIND_FUNC = 12;
  private static final int KIND_FUNC_PROTO = 13;
  private static final int KIND_VAR = 14;
  private static final int KIND_DATASEC = 15;
  private static final int KIND_DECL_TAG = 17;
  private static final int KIND_ENUM64 = 19;
  private static final int KIND_MAX = 19;

  private final ByteBuffer blob;
  private final int strings;
  private final int stringsEnd;

  /** The byte position of each type's record, by type id; id 0 is void and has none. */
  private final int[] positions;

  private Btf(ByteBuffer blob, int strings, int stringsEnd, int[] positions) {
    this.blob = blob;
    this.strings = strings;
    this.stringsEnd = stringsEnd;
    this.positions = positions;
  }

  /**
   * The running kernel's BTF.
   *
   * @throws IOException if {@link #VMLINUX} is missing (a kernel built without {@code
   *     CONFIG_DEBUG_INFO_BTF}) or cannot be parsed
   */
  public static Btf vmlinux() throws IOException {
    return parse(readInChunks(VMLINUX));
  }

  /**
   * The file's bytes, read {@value #CHUNK} at a time. Read whole into a heap array, a file of
   * megabytes passes through a temporary direct buffer as large, which the JDK keeps for the
   * reading thread for as long as it lives: {@link #VMLINUX} holds several megabytes.
   */
  private static byte[] readInChunks(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException(file + " holds " + size + " bytes, too many to read");
      }
      byte[] bytes = new byte[(int) size];
      int read = 0;
      while (read < bytes.length) {
        int n = channel.read(ByteBuffer.wrap(bytes, read, Math.min(CHUNK, bytes.length - read)));
        if (n < 0) {
          break;
        }
        read += n;
      }
      if (read < bytes.length || channel.read(ByteBuffer.allocate(1)) >= 0) {
        throw new IOException(file + " changed size while it was read");
      }
      return bytes;
    }
  }

  /**
   * Parses a BTF blob.
   *
   * @throws IOException naming what is wrong when it is not a BTF blob this reader understands
   */
  public static Btf parse(byte[] bytes) throws IOException {
    ByteBuffer blob = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 24 || (blob.getShort(0) & 0xffff) != MAGIC) {
      throw new IOException("not a little-endian BTF blob (no magic 0xeb9f)");
    }
    if (blob.get(2) != 1) {
      throw new IOException("BTF version " + blob.get(2) + " is not the version 1 this reads");
    }
    int header = blob.getInt(4);
    long typesStart = (long) header + Integer.toUnsignedLong(blob.getInt(8));
    long typesEnd = typesStart + Integer.toUnsignedLong(blob.getInt(12));
    long strings = (long) header + Integer.toUnsignedLong(blob.getInt(16));
    long stringsEnd = strings + Integer.toUnsignedLong(blob.getInt(20));
    if (typesEnd > bytes.length || stringsEnd > bytes.length) {
      throw new IOException("BTF sections run past the blob's " + bytes.length + " bytes");
    }
    int[] positions = new int[1 << 12];
    int count = 1;
    int at = (int) typesStart;
    while (at < typesEnd) {
      if (count == positions.length) {
        positions = Arrays.copyOf(positions, count * 2);
      }
      positions[count++] = at;
      at = next(blob, at);
    }
    if (at != typesEnd) {
      throw new IOException("the last BTF type runs past its section");
    }
    return new Btf(blob, (int) strings, (int) stringsEnd, Arrays.copyOf(positions, count));
  }

  /** The position of the record after the one at {@code at}. */
  private static int next(ByteBuffer blob, int at) throws IOException {
    int info = blob.getInt(at + 4);
    int kind = kind(info);
    int vlen = info & 0xffff;
    int extra =
        switch (kind) {
          case KIND_INT, KIND_VAR, KIND_DECL_TAG -> 4;
          case KIND_ARRAY -> 12;
          case KIND_STRUCT, KIND_UNION, KIND_DATASEC, KIND_ENUM64 -> 12 * vlen;
          case KIND_ENUM, KIND_FUNC_PROTO -> 8 * vlen;
          default -> {
            if (kind == 0 || kind > KIND_MAX) {
              throw new IOException("BTF type kind " + kind + " is unknown to this reader");
            }
            yield 0;
          }
        };
    return at + RECORD + extra;
  }

  private static int kind(int info) {
    return (info >>> 24) & 0x1f;
  }

  /** How many types the blob holds, void (id 0) included. */
  public int typeCount() {
    return positions.length;
  }

  /**
   * {@return the type id of the function named {@code name}, as {@code attach_btf_id} takes it;
   * empty when the kernel has no such function}
   *
   * @param name a function's name, such as {@code bpf_iter_task_file}
   */
  public OptionalInt functionId(String name) {
    return find(KIND_FUNC, name);
  }

  /**
   * {@return the byte offset of the member {@code member} in the struct {@code struct}, searched
   * through its anonymous structs and unions; empty when the struct or the member does not exist,
   * or the member is a bit field}
   *
   * @param struct the struct's name, without {@code struct}
   * @param member the member's name
   */
  public OptionalInt memberOffset(String struct, String member) {
    OptionalInt id = find(KIND_STRUCT, struct);
    if (id.isEmpty()) {
      return OptionalInt.empty();
    }
    long bits = memberBits(id.getAsInt(), member.getBytes(StandardCharsets.UTF_8), 0);
    return bits < 0 || bits % 8 != 0 ? OptionalInt.empty() : OptionalInt.of((int) (bits / 8));
  }

  /** The member's offset in bits from the start of the outermost struct, or -1. */
  private long memberBits(int id, byte[] member, long base) {
    int at = positions[id];
    int info = blob.getInt(at + 4);
    boolean bitfields = info < 0;
    int vlen = info & 0xffff;
    for (int i = 0; i < vlen; i++) {
      int m = at + RECORD + RECORD * i;
      int nameOffset = blob.getInt(m);
      int offset = blob.getInt(m + 8);
      long bits = base + (bitfields ? offset & 0xffffff : Integer.toUnsignedLong(offset));
      if (nameOffset == 0) {
        int inner = resolveAggregate(blob.getInt(m + 4));
        if (inner > 0) {
          long found = memberBits(inner, member, bits);
          if (found >= 0) {
            return found;
          }
        }
      } else if (nameIs(nameOffset, member)) {
        if (bitfields && (offset >>> 24) != 0) {
          return -1;
        }
        return bits;
      }
    }
    return -1;
  }

  /** The struct or union a member's type is, or 0 when it is neither. */
  private int resolveAggregate(int id) {
    if (id <= 0 || id >= positions.length) {
      return 0;
    }
    int kind = kind(blob.getInt(positions[id] + 4));
    return kind == KIND_STRUCT || kind == KIND_UNION ? id : 0;
  }

  private OptionalInt find(int kind, String name) {
    byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
    for (int id = 1; id < positions.length; id++) {
      int at = positions[id];
      if (kind(blob.getInt(at + 4)) == kind && nameIs(blob.getInt(at), wanted)) {
        return OptionalInt.of(id);
      }
    }
    return OptionalInt.empty();
  }

  /** Whether the string at {@code offset} of the string section is exactly {@code wanted}. */
  private boolean nameIs(int offset, byte[] wanted) {
    int start = strings + offset;
    if (offset < 0 || start + wanted.length >= stringsEnd) {
      return false;
    }
    for (int i = 0; i < wanted.length; i++) {
      if (blob.get(start + i) != wanted[i]) {
        return false;
      }
    }
    return blob.get(start + wanted.length) == 0;
  }
}
