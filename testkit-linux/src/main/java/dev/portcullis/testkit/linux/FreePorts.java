package dev.portcullis.testkit.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Port numbers the kernel says are free now, so that tests never collide with each other or with
 * the host. A port is free for TCP and UDP on both IPv4 and IPv6 when {@link #any()} returns it,
 * and {@link #any()} never returns the same port twice in one JVM.
 */
public final class FreePorts {

  private FreePorts() {}

  /**
   * Ports handed out by this JVM. The kernel may choose a port it just released again, so two calls
   * in a row could return the same port; a test that binds both would then collide.
   */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * {@return a port free for TCP and UDP on the IPv4 and IPv6 wildcards, and never returned before
   * by this JVM} It was free when checked; another process may still take it before the test binds
   * it.
   *
   * @throws IllegalStateException if 100 ports the kernel picked in a row were all taken for UDP or
   *     handed out before
   * @throws UncheckedIOException if no TCP socket can be bound to let the kernel pick a port
   */
  public static int any() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = tcp();
      if (isFree(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("No new port free for both TCP and UDP after 100 attempts");
  }

  /**
   * {@return a port free for TCP on the dual-stack wildcard, picked by the kernel} Unlike {@link
   * #any()}, it may be one returned before, and it is not checked for UDP.
   *
   * @throws UncheckedIOException if no TCP socket can be bound
   */
  public static int tcp() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@return whether {@code port} can be bound now for TCP and UDP on the dual-stack wildcard}
   *
   * @param port the port to try; the sockets that try it are closed before this method returns
   */
  public static boolean isFree(int port) {
    try (ServerSocket tcp = new ServerSocket();
        DatagramSocket udp = new DatagramSocket(null)) {
      tcp.bind(new InetSocketAddress(InetAddress.getByName("::"), port));
      udp.bind(new InetSocketAddress(InetAddress.getByName("::"), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
