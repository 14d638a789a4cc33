package dev.portcullis.api;

import java.util.Arrays;

/**
 * Which processes held which sockets, for the whole host, as one {@link
 * SocketSource#socketHolders()} read them: one entry per socket descriptor, with the process that
 * holds it and the cgroup v2 id of that process's cgroup at the time.
 *
 * <p>A socket held by several processes, or by one process through several descriptors, has an
 * entry each time. Entries are in no particular order. Immutable; built with {@link Builder}.
 *
 * @since 0.4
 */
@Stability(Stability.Level.EXPERIMENTAL)
public final class SocketHolders {

  private static final SocketHolders EMPTY = new SocketHolders(new long[0], 0);

  /** Three longs per entry: the socket's inode, the holder's pid, the holder's cgroup id. */
  private final long[] entries;

  private final int size;

  private SocketHolders(long[] entries, int size) {
    this.entries = entries;
    this.size = size;
  }

  /** {@return no holders at all} */
  public static SocketHolders empty() {
    return EMPTY;
  }

  /** {@return how many entries there are} */
  public int size() {
    return size;
  }

  /**
   * {@return the inode of the socket of entry {@code index}}
   *
   * @param index from 0 to {@link #size()} - 1
   * @throws IndexOutOfBoundsException if there is no such entry
   */
  public long inode(int index) {
    return entries[3 * checked(index)];
  }

  /**
   * {@return the pid of the process of entry {@code index}, as the host's own pid namespace numbers
   * it}
   *
   * @param index from 0 to {@link #size()} - 1
   * @throws IndexOutOfBoundsException if there is no such entry
   */
  public long pid(int index) {
    return entries[3 * checked(index) + 1];
  }

  /**
   * {@return the cgroup v2 id (the cgroup directory's inode number) of the process of entry {@code
   * index}: the process's cgroup when it was read, not the one that created the socket}
   *
   * @param index from 0 to {@link #size()} - 1
   * @throws IndexOutOfBoundsException if there is no such entry
   */
  public long cgroupId(int index) {
    return entries[3 * checked(index) + 2];
  }

  private int checked(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("entry " + index + " of " + size);
    }
    return index;
  }

  @Override
  public String toString() {
    return "SocketHolders[" + size + " entries]";
  }

  /**
   * {@return a builder with room for {@code expected} entries; it grows past them}
   *
   * @param expected how many entries are expected
   */
  public static Builder builder(int expected) {
    return new Builder(Math.max(expected, 4));
  }

  /**
   * Collects entries for one {@link SocketHolders}. Not thread-safe; {@link #build()} may be called
   * once.
   *
   * @since 0.4
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public static final class Builder {

    private long[] entries;
    private int size;
    private boolean built;

    private Builder(int expected) {
      entries = new long[3 * expected];
    }

    /**
     * Adds one entry.
     *
     * @param inode the socket's inode
     * @param pid the holding process
     * @param cgroupId the holding process's cgroup v2 id
     * @return this builder
     * @throws IllegalStateException if {@link #build()} was called
     */
    public Builder add(long inode, long pid, long cgroupId) {
      if (built) {
        throw new IllegalStateException("SocketHolders already built");
      }
      if (3 * size + 3 > entries.length) {
        entries = Arrays.copyOf(entries, entries.length * 2);
      }
      entries[3 * size] = inode;
      entries[3 * size + 1] = pid;
      entries[3 * size + 2] = cgroupId;
      size++;
      return this;
    }

    /**
     * {@return the entries added}
     *
     * @throws IllegalStateException if called twice
     */
    public SocketHolders build() {
      if (built) {
        throw new IllegalStateException("SocketHolders already built");
      }
      built = true;
      return new SocketHolders(entries, size);
    }
  }
}
