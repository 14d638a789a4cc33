package dev.portcullis.netlink;

import dev.portcullis.netlink.codec.Errno;
import dev.portcullis.netlink.ffi.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which sockets a process holds, read from {@code /proc/<pid>/fd} with {@code getdents64(2)} and
 * {@code readlinkat(2)} straight into reused buffers: the same answers as {@link
 * dev.portcullis.linux.ProcessDescriptors}, at about half its cost, which is most of an exact
 * scan's and of {@code portcullis scan}'s. A path, a string and an exception for every descriptor
 * is what the JDK's file API costs.
 *
 * <p>Used by one thread at a time (the source's lock).
 */
final class NativeDescriptors {

  private static final int O_RDONLY = 0;
  private static final int O_DIRECTORY = 0200000;
  private static final int O_CLOEXEC = 02000000;
  private static final int ENOENT = 2;
  private static final int ESRCH = 3;

  /** {@code struct linux_dirent64}: d_ino, d_off (8 bytes each), d_reclen (2), d_type (1), name. */
  private static final int RECLEN_OFFSET = 16;

  private static final int NAME_OFFSET = 19;

  private static final byte[] SOCKET_PREFIX = "socket:[".getBytes(StandardCharsets.US_ASCII);

  /** Room for the longest target worth reading: {@code socket:[<20 digits>]}, and a byte over. */
  private static final int TARGET_ROOM = 64;

  private final LibCBinding binding;
  private final ByteBuffer entries =
      ByteBuffer.allocateDirect(32 * 1024).order(ByteOrder.nativeOrder());
  private final ByteBuffer target = ByteBuffer.allocateDirect(TARGET_ROOM);

  NativeDescriptors(LibCBinding binding) {
    this.binding = binding;
  }

  /**
   * {@return the inodes of the sockets the process holds, ascending; empty when it does not exist
   * (any more)} A process that exits while it is read yields the sockets read until then; a
   * descriptor closed between listing and reading is left out.
   *
   * @throws IOException if the process exists but its descriptors cannot be listed, for example for
   *     lack of permission
   */
  Set<Long> socketInodes(long pid) throws IOException {
    LibC libc = binding.libc();
    byte[] path = ("/proc/" + pid + "/fd\0").getBytes(StandardCharsets.US_ASCII);
    int directory = libc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0) {
      int errno = binding.errno();
      if (errno == ENOENT || errno == ESRCH) {
        return Set.of();
      }
      throw new IOException("cannot list /proc/" + pid + "/fd: " + Errno.describe(errno));
    }
    Set<Long> inodes = new TreeSet<>();
    try {
      while (true) {
        entries.clear();
        long filled = libc.getdents64(directory, entries, entries.capacity());
        if (filled == 0) {
          break;
        }
        if (filled < 0) {
          int errno = binding.errno();
          if (errno == ENOENT || errno == ESRCH) {
            break; // the process exited while being listed
          }
          throw new IOException("cannot list /proc/" + pid + "/fd: " + Errno.describe(errno));
        }
        for (int offset = 0; offset < filled; ) {
          int length = Short.toUnsignedInt(entries.getShort(offset + RECLEN_OFFSET));
          if (entries.get(offset + NAME_OFFSET) != '.') {
            socketInode(libc, pid, directory, offset + NAME_OFFSET, inodes);
          }
          offset += length;
        }
      }
    } finally {
      libc.close(directory);
    }
    return inodes;
  }

  /**
   * Adds the inode of the descriptor named at {@code nameAt} if it is a socket.
   *
   * @throws IOException if the link cannot be read for another reason than its descriptor having
   *     closed (or the process having exited) since the listing: a process whose directory can be
   *     listed but not its links, as the JDK's file API reports it
   */
  private void socketInode(LibC libc, long pid, int directory, int nameAt, Set<Long> inodes)
      throws IOException {
    entries.position(nameAt);
    target.clear();
    long length = libc.readlinkat(directory, entries, target, TARGET_ROOM);
    if (length < 0) {
      int errno = binding.errno();
      if (errno == ENOENT || errno == ESRCH) {
        return;
      }
      throw new IOException(
          "cannot read /proc/" + pid + "/fd/" + name(nameAt) + ": " + Errno.describe(errno));
    }
    // Anything but a socket is left out.
    if (length <= SOCKET_PREFIX.length || length >= TARGET_ROOM) {
      return;
    }
    for (int i = 0; i < SOCKET_PREFIX.length; i++) {
      if (target.get(i) != SOCKET_PREFIX[i]) {
        return;
      }
    }
    int end = (int) length - 1;
    if (target.get(end) != ']' || end == SOCKET_PREFIX.length) {
      return;
    }
    long inode = 0;
    for (int i = SOCKET_PREFIX.length; i < end; i++) {
      int digit = target.get(i) - '0';
      if (digit < 0 || digit > 9) {
        return;
      }
      inode = inode * 10 + digit;
    }
    inodes.add(inode);
  }

  /** The NUL-terminated name at {@code at} in the entries. */
  private String name(int at) {
    StringBuilder name = new StringBuilder();
    for (int i = at; i < entries.limit() && entries.get(i) != 0; i++) {
      name.append((char) entries.get(i));
    }
    return name.toString();
  }
}
