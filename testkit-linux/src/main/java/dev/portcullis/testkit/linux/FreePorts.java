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
   * A port free for TCP and UDP on the IPv4 and IPv6 wildcards, and never returned before by this
   * JVM.
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

  /** A port free for TCP, picked by the kernel. */
  public static int tcp() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code port} can be bound now for TCP and UDP on the dual-stack wildcard. */
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
