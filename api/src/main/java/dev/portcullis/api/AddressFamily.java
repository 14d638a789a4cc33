package dev.portcullis.api;

/**
 * The address family a socket was opened with.
 *
 * <p>A dual-stack socket bound to {@code [::]} is {@link #IPV6}: it is one socket, seen once.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum AddressFamily {
  /** {@code AF_INET}. */
  IPV4,
  /** {@code AF_INET6}, including dual-stack sockets and IPv4-mapped addresses. */
  IPV6
}
