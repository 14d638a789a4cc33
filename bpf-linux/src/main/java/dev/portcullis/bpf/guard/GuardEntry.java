package dev.portcullis.bpf.guard;

import dev.portcullis.api.Protocol;

/**
 * The entries of a guard's map, each an {@value GuardMap#VALUE_SIZE}-byte value at its key.
 *
 * <p>The four bitmaps hold one bit per port, port {@code p} in bit {@code p & 7} of byte {@code p
 * >> 3}; a set bit allows. A zero-filled entry therefore refuses every port, so a guard whose map
 * was never written fails closed.
 *
 * @since 0.2
 */
public enum GuardEntry {
  /** The ports a TCP {@code bind()} may name. */
  TCP_BINDABLE(0),
  /** The ports a TCP socket may end up with: bindable or assignable. */
  TCP_PICKED(1),
  /** The ports a UDP {@code bind()} may name. */
  UDP_BINDABLE(2),
  /** The ports a UDP socket may end up with. */
  UDP_PICKED(3),
  /** Refusal counters: u64 refused binds at 0, u64 stopped listeners at 8, native order. */
  COUNTERS(4),
  /**
   * The ports of the binds refused so far, as a bitmap of u64 words that programs set bits in
   * atomically.
   */
  REFUSED_PORTS(5),
  /** The ports of the listeners stopped so far, a bitmap like {@link #REFUSED_PORTS}. */
  STOPPED_PORTS(6);

  private final int key;

  GuardEntry(int key) {
    this.key = key;
  }

  /** The entry's index in the map, its 4-byte key. */
  public int key() {
    return key;
  }

  /** The bitmap a named port of {@code protocol} is checked against. */
  public static GuardEntry bindable(Protocol protocol) {
    return protocol == Protocol.TCP ? TCP_BINDABLE : UDP_BINDABLE;
  }

  /** The bitmap the port a {@code protocol} socket ends up with is checked against. */
  public static GuardEntry picked(Protocol protocol) {
    return protocol == Protocol.TCP ? TCP_PICKED : UDP_PICKED;
  }
}
