package dev.portcullis.netlink.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The sockets the last snapshot decoded, by inode, so that a socket the kernel describes as it did
 * then is handed out as the same object, with nothing allocated for it. A listening socket lives
 * for as long as its server does: at a thousand containers, most of the ten thousand a scan decodes
 * every second are the ones it decoded the second before.
 *
 * <p>A snapshot, one dump or several, runs from {@link #begin()} to {@link #end()}; what it decoded
 * is what the next one reuses, and a socket it did not see is forgotten. A snapshot that fails
 * before its end leaves the last complete one in use. A socket is reused only when every field the
 * decoder reads of it (state, port, address, uid, cgroup id) is as it was; every message is still
 * checked in full before that. Not thread-safe.
 *
 * @since 0.4
 */
public final class DecodedSockets {

  private Table last = new Table(16);
  private Table next = new Table(16);

  /** Starts a snapshot. */
  public void begin() {
    next.clear(Math.max(16, last.size + last.size / 4));
  }

  /** Ends a snapshot: what it decoded is what the next one may reuse. */
  public void end() {
    Table done = next;
    next = last;
    last = done;
  }

  /** {@return how many sockets the last complete snapshot decoded} */
  public int size() {
    return last.size;
  }

  /**
   * The socket the last snapshot decoded with this inode, if every field is as given; null if none
   * is.
   */
  InetDiagSocket reuse(
      int state,
      int port,
      ByteBuffer in,
      int addressAt,
      int addressLength,
      long uid,
      long inode,
      boolean hasCgroupId,
      long cgroupId) {
    int slot = last.find(inode);
    if (slot < 0) {
      return null;
    }
    InetDiagSocket known = last.sockets[slot];
    byte[] address = last.addresses[slot];
    if (known.state() != state
        || known.port() != port
        || known.uid() != uid
        || known.cgroupId().isPresent() != hasCgroupId
        || (hasCgroupId && known.cgroupId().getAsLong() != cgroupId)
        || address.length != addressLength) {
      return null;
    }
    for (int i = 0; i < addressLength; i++) {
      if (address[i] != in.get(addressAt + i)) {
        return null;
      }
    }
    next.put(known, address);
    return known;
  }

  /** Keeps a socket this snapshot decoded anew, with the address bytes the kernel sent. */
  void keep(InetDiagSocket socket, byte[] address) {
    next.put(socket, address);
  }

  /** Open addressing by inode; inode 0 (no socket's) marks a free slot. */
  private static final class Table {
    long[] inodes = new long[0];
    InetDiagSocket[] sockets = new InetDiagSocket[0];
    byte[][] addresses = new byte[0][];
    int size;

    Table(int expected) {
      clear(expected);
    }

    void clear(int expected) {
      int capacity = Integer.highestOneBit(Math.max(2 * expected - 1, 1)) << 1;
      if (inodes.length == capacity) {
        Arrays.fill(inodes, 0);
        Arrays.fill(sockets, null);
        Arrays.fill(addresses, null);
      } else {
        inodes = new long[capacity];
        sockets = new InetDiagSocket[capacity];
        addresses = new byte[capacity][];
      }
      size = 0;
    }

    int find(long inode) {
      if (inode == 0 || size == 0) {
        return -1;
      }
      int mask = inodes.length - 1;
      for (int slot = slot(inode, mask); inodes[slot] != 0; slot = (slot + 1) & mask) {
        if (inodes[slot] == inode) {
          return slot;
        }
      }
      return -1;
    }

    void put(InetDiagSocket socket, byte[] address) {
      long inode = socket.inode();
      if (inode == 0) {
        return;
      }
      if (2 * (size + 1) > inodes.length) {
        grow();
      }
      int mask = inodes.length - 1;
      int slot = slot(inode, mask);
      while (inodes[slot] != 0) {
        if (inodes[slot] == inode) {
          // A dump asked for again, or a socket reported twice: the first stays.
          return;
        }
        slot = (slot + 1) & mask;
      }
      inodes[slot] = inode;
      sockets[slot] = socket;
      addresses[slot] = address;
      size++;
    }

    private void grow() {
      long[] oldInodes = inodes;
      InetDiagSocket[] oldSockets = sockets;
      byte[][] oldAddresses = addresses;
      inodes = new long[oldInodes.length * 2];
      sockets = new InetDiagSocket[oldInodes.length * 2];
      addresses = new byte[oldInodes.length * 2][];
      size = 0;
      for (int i = 0; i < oldInodes.length; i++) {
        if (oldInodes[i] != 0) {
          put(oldSockets[i], oldAddresses[i]);
        }
      }
    }

    private static int slot(long inode, int mask) {
      return (int) ((inode * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }
  }
}
