package dev.portcullis.netlink.codec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The local addresses of one dump's sockets, each made into an {@link InetAddress} once: a host's
 * thousands of listeners share a handful of addresses (the wildcard, loopback, its own), and making
 * one per socket was much of what decoding a dump allocated. Addresses past the first {@value
 * #ROOM} distinct ones are made anew each time. {@link InetAddress} is immutable, so the sockets
 * may share them.
 *
 * <p>Not thread-safe: one instance serves one dump.
 */
final class DumpAddresses {

  static final int ROOM = 32;

  private final int length;
  private final long[] highs = new long[ROOM];
  private final long[] lows = new long[ROOM];
  private final InetAddress[] addresses = new InetAddress[ROOM];
  private int size;
  private int last; // where the previous socket's address was found

  /**
   * @param length 4 for IPv4 addresses, 16 for IPv6 ones
   */
  DumpAddresses(int length) {
    if (length != 4 && length != 16) {
      throw new IllegalArgumentException("An address has 4 or 16 bytes, not " + length);
    }
    this.length = length;
  }

  /** The address of {@link #length} bytes at {@code offset}, in network order. */
  InetAddress at(ByteBuffer in, int offset) {
    long high = length == 4 ? Integer.toUnsignedLong(in.getInt(offset)) : in.getLong(offset);
    long low = length == 4 ? 0 : in.getLong(offset + 8);
    if (last < size && highs[last] == high && lows[last] == low) {
      return addresses[last];
    }
    for (int i = 0; i < size; i++) {
      if (highs[i] == high && lows[i] == low) {
        last = i;
        return addresses[i];
      }
    }
    byte[] bytes = new byte[length];
    in.get(offset, bytes);
    InetAddress made;
    try {
      made = InetAddress.getByAddress(bytes);
    } catch (UnknownHostException impossible) {
      throw new AssertionError("A 4- or 16-byte address is always valid", impossible);
    }
    if (size < ROOM) {
      highs[size] = high;
      lows[size] = low;
      addresses[size] = made;
      last = size++;
    }
    return made;
  }
}
