package dev.portcullis.api;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.OptionalLong;
import org.immutables.value.Value;

/**
 * One socket that receives on a local port: a TCP listener or a bound UDP socket.
 *
 * <p>The {@link #inode()} identifies the socket on the host; it is what {@code /proc/<pid>/fd}
 * links name ({@code socket:[inode]}), so it ties a socket to the processes holding it. The {@link
 * #cgroupId()} is the cgroup v2 id of the cgroup that <em>created</em> the socket, fixed at {@code
 * socket()} time, when the source knows it.
 *
 * <p>Immutable; build one with {@link #builder()}.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
@Value.Immutable
public abstract class ListeningSocket {

  /** {@return the address family} */
  public abstract AddressFamily family();

  /** {@return the transport protocol} */
  public abstract Protocol protocol();

  /**
   * {@return the local address; the wildcard ({@code 0.0.0.0} or {@code ::}) for a socket bound to
   * every address} An {@link AddressFamily#IPV6} socket may carry an IPv4-mapped address, which
   * Java represents as an {@link Inet4Address}.
   */
  public abstract InetAddress address();

  /** {@return the local port, 0 to 65535} */
  public abstract int port();

  /** {@return the socket's inode number, positive} */
  public abstract long inode();

  /** {@return the user id that owns the socket} */
  public abstract long uid();

  /** {@return the cgroup v2 id of the creating cgroup; empty when the source does not report it} */
  public abstract OptionalLong cgroupId();

  /** {@return whether the socket is bound to every local address} */
  @Value.Derived
  public boolean isWildcard() {
    return address().isAnyLocalAddress();
  }

  /** Rejects inconsistent values when an instance is built; not for callers. */
  @Stability(Stability.Level.INTERNAL)
  @Value.Check
  protected void check() {
    if (port() < PortRanges.MIN_PORT || port() > PortRanges.MAX_PORT) {
      throw new IllegalArgumentException("Socket port " + port() + " is out of bounds");
    }
    if (inode() <= 0) {
      throw new IllegalArgumentException("Socket inode must be positive, not " + inode());
    }
    if (family() == AddressFamily.IPV4 && !(address() instanceof Inet4Address)) {
      throw new IllegalArgumentException(
          "An IPv4 socket cannot have the IPv6 address " + address().getHostAddress());
    }
  }

  /**
   * {@return the local address and port as people write them: {@code 0.0.0.0:8080}, {@code
   * [::]:8080}, {@code [::ffff:127.0.0.1]:53} — IPv6 compressed and in brackets}
   */
  public String endpoint() {
    String host = AddressText.of(address());
    if (family() == AddressFamily.IPV6) {
      host = "[" + (address() instanceof Inet4Address ? "::ffff:" + host : host) + "]";
    }
    return host + ":" + port();
  }

  /** {@code tcp [::]:8080 inode 1234}. */
  @Override
  public String toString() {
    return protocol().name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + endpoint()
        + " inode "
        + inode();
  }

  /** {@return a builder; every attribute but {@link #cgroupId()} is required} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link ListeningSocket}s.
   *
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
  public static final class Builder extends ImmutableListeningSocket.Builder {}
}
