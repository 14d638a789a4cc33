package dev.portcullis.testkit.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Port numbers the kernel says are free now, so that tests never collide with each other or with
 * the host. A port is free for TCP and UDP on both IPv4 and IPv6 when {@link #any()} returns it.
 */
public final class FreePorts {

  private FreePorts() {}

  /** A port free for TCP and UDP on the IPv4 and IPv6 wildcards. */
  public static int any() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = tcp();
      if (isFree(port)) {
        return port;
      }
    }
    throw new IllegalStateException("No port free for both TCP and UDP after 50 attempts");
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
