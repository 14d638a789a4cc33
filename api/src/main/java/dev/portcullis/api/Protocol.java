package dev.portcullis.api;

/**
 * The transport protocol of a listening socket.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum Protocol {
  /** A TCP socket in the LISTEN state. */
  TCP,
  /** A bound, unconnected UDP socket: one that receives datagrams on its port. */
  UDP
}
