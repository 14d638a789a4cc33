package dev.portcullis.netlink.codec;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.Protocol;
import java.util.List;
import java.util.Objects;

/**
 * One dump the kernel is asked for: an address family and a protocol. The kernel filters by family
 * strictly, so IPv4 and IPv6 are separate dumps, and a dual-stack {@code [::]} socket is in the
 * IPv6 one only.
 *
 * @param family the address family to dump
 * @param protocol the protocol to dump; it also fixes the socket states asked for
 * @since 0.1
 */
public record SockDiagQuery(AddressFamily family, Protocol protocol) {

  /** {@code AF_INET}. */
  public static final int AF_INET = 2;

  /** {@code AF_INET6}. */
  public static final int AF_INET6 = 10;

  /** {@code IPPROTO_TCP}. */
  public static final int IPPROTO_TCP = 6;

  /** {@code IPPROTO_UDP}. */
  public static final int IPPROTO_UDP = 17;

  /** {@code TCP_LISTEN} in the kernel's {@code tcp_states.h}. */
  public static final int TCP_LISTEN = 10;

  /**
   * {@code TCP_CLOSE}: UDP reuses the TCP state numbers, and a bound socket that has not connected
   * is in this state. A connected UDP socket is {@code TCP_ESTABLISHED} and is left out.
   */
  public static final int TCP_CLOSE = 7;

  /** The four dumps of a full snapshot: TCP then UDP, IPv4 then IPv6. */
  public static final List<SockDiagQuery> ALL =
      List.of(
          new SockDiagQuery(AddressFamily.IPV4, Protocol.TCP),
          new SockDiagQuery(AddressFamily.IPV6, Protocol.TCP),
          new SockDiagQuery(AddressFamily.IPV4, Protocol.UDP),
          new SockDiagQuery(AddressFamily.IPV6, Protocol.UDP));

  /** Both parts are required. */
  public SockDiagQuery {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(protocol, "protocol");
  }

  /** The {@code AF_*} number of the family. */
  public int familyNumber() {
    return family == AddressFamily.IPV4 ? AF_INET : AF_INET6;
  }

  /** The {@code IPPROTO_*} number of the protocol. */
  public int protocolNumber() {
    return protocol == Protocol.TCP ? IPPROTO_TCP : IPPROTO_UDP;
  }

  /** The state the wanted sockets are in: LISTEN for TCP, bound-unconnected (CLOSE) for UDP. */
  public int state() {
    return protocol == Protocol.TCP ? TCP_LISTEN : TCP_CLOSE;
  }

  /** The {@code idiag_states} bitmask of the request: one bit, {@code 1 << state()}. */
  public int stateMask() {
    return 1 << state();
  }

  /** {@code TCP/IPv4}, as in messages. */
  @Override
  public String toString() {
    return protocol + "/" + (family == AddressFamily.IPV4 ? "IPv4" : "IPv6");
  }
}
