package dev.portcullis.netlink;

import java.util.Arrays;

/**
 * A set of socket inodes, for telling a socket a dump reported twice: open addressing over a {@code
 * long[]}, so that ten thousand sockets cost no boxing and no node per entry. Inode 0, which no
 * socket a snapshot keeps has, marks a free slot. Not thread-safe.
 */
final class InodeSet {

  private long[] slots;
  private int size;

  /** An empty set that holds {@code expected} inodes before it grows. */
  InodeSet(int expected) {
    slots = new long[capacityFor(Math.max(expected, 8))];
  }

  /**
   * Adds an inode.
   *
   * @return whether it was not in the set yet
   * @throws IllegalArgumentException for inode 0
   */
  boolean add(long inode) {
    if (inode == 0) {
      throw new IllegalArgumentException("Inode 0 is no socket's");
    }
    if (2 * (size + 1) > slots.length) {
      grow();
    }
    if (!insert(slots, inode)) {
      return false;
    }
    size++;
    return true;
  }

  /** Empties the set, keeping its table for the next snapshot's inodes. */
  void clear() {
    Arrays.fill(slots, 0);
    size = 0;
  }

  /** {@return how many inodes the set holds} */
  int size() {
    return size;
  }

  private void grow() {
    long[] bigger = new long[2 * slots.length];
    for (long inode : slots) {
      if (inode != 0) {
        insert(bigger, inode);
      }
    }
    slots = bigger;
  }

  private static boolean insert(long[] table, long inode) {
    int mask = table.length - 1;
    // Inodes come in runs; the multiply spreads a run over the table.
    int slot = (int) ((inode * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    while (table[slot] != 0) {
      if (table[slot] == inode) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
    table[slot] = inode;
    return true;
  }

  private static int capacityFor(int expected) {
    return Integer.highestOneBit(2 * expected - 1) << 1;
  }
}
