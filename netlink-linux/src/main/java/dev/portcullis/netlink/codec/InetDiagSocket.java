package dev.portcullis.netlink.codec;

import dev.portcullis.api.AddressFamily;
import java.net.InetAddress;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One socket as the kernel described it in a {@code struct inet_diag_msg}, reduced to what a
 * listening socket is identified by. Decoded faithfully: sockets without a port or inode are kept
 * here and left out by the caller.
 *
 * @param family the family of the dump it came from
 * @param state the kernel's socket state ({@code TCP_LISTEN}, {@code TCP_CLOSE}, ...)
 * @param address the local address; an IPv4-mapped IPv6 address is an {@link
 *     java.net.Inet4Address}, as Java represents it
 * @param port the local port, 0 for a socket that is not bound
 * @param uid the owning user id
 * @param inode the socket's inode; 0 for a socket that has lost its file (being destroyed)
 * @param cgroupId the {@code INET_DIAG_CGROUP_ID} attribute, empty when the kernel did not send it
 * @since 0.1
 */
public record InetDiagSocket(
    AddressFamily family,
    int state,
    InetAddress address,
    int port,
    long uid,
    long inode,
    OptionalLong cgroupId) {

  /** Every part is required; numbers must fit their kernel types. */
  public InetDiagSocket {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(cgroupId, "cgroupId");
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("port " + port + " is not a u16");
    }
    if (uid < 0 || uid > 0xffff_ffffL || inode < 0 || inode > 0xffff_ffffL) {
      throw new IllegalArgumentException("uid " + uid + " or inode " + inode + " is not a u32");
    }
  }
}
