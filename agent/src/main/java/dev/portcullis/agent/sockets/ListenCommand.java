package dev.portcullis.agent.sockets;

import dev.portcullis.agent.cli.StartupException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis listen}: holds the given ports open until killed, so that enforcement can be
 * shown without other software.
 */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description = {
      "Listens on the given ports until killed, printing one line per socket to standard output:",
      "  listening tcp 0.0.0.0:31001",
      "Port 0 lets the kernel choose; the line shows the port chosen."
    })
public final class ListenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--tcp",
      paramLabel = "PORT",
      description = "A TCP port to listen on; repeatable. Default: none.")
  List<Integer> tcp = new ArrayList<>();

  @Option(
      names = "--udp",
      paramLabel = "PORT",
      description = "A UDP port to bind; repeatable. Default: none.")
  List<Integer> udp = new ArrayList<>();

  @Option(
      names = "--ipv6",
      description =
          "Bind the IPv6 wildcard [::] (dual-stack) instead of the IPv4 wildcard 0.0.0.0."
              + " Default: ${DEFAULT-VALUE}.")
  boolean ipv6;

  @Override
  public Integer call() throws InterruptedException {
    if (tcp.isEmpty() && udp.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "give at least one --tcp=PORT or --udp=PORT");
    }
    for (int port : concat(tcp, udp)) {
      if (port < 0 || port > 65535) {
        throw new ParameterException(
            spec.commandLine(), "port " + port + " is out of bounds; ports are 0 to 65535");
      }
    }
    String wildcard = ipv6 ? "::" : "0.0.0.0";
    PrintWriter out = spec.commandLine().getOut();
    List<AutoCloseable> held = new ArrayList<>();
    // What is being bound, so that a refusal (EPERM from a port guard, EADDRINUSE) names it.
    String attempt = "";
    try {
      for (int port : tcp) {
        attempt = "tcp " + endpoint(wildcard, port);
        ServerSocketChannel channel =
            ServerSocketChannel.open(
                ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        held.add(channel);
        channel.bind(new InetSocketAddress(InetAddress.getByName(wildcard), port), 16);
        out.println("listening tcp " + endpoint(wildcard, channel.socket().getLocalPort()));
      }
      for (int port : udp) {
        attempt = "udp " + endpoint(wildcard, port);
        DatagramChannel channel =
            DatagramChannel.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        held.add(channel);
        channel.bind(new InetSocketAddress(InetAddress.getByName(wildcard), port));
        out.println("listening udp " + endpoint(wildcard, channel.socket().getLocalPort()));
      }
    } catch (IOException e) {
      closeAll(held);
      throw new StartupException("cannot listen on " + attempt + ": " + e.getMessage(), e);
    }
    out.flush();
    // Hold the sockets until the process is killed.
    new CountDownLatch(1).await();
    return 0;
  }

  private static String endpoint(String wildcard, int port) {
    return (wildcard.contains(":") ? "[" + wildcard + "]" : wildcard) + ":" + port;
  }

  private static List<Integer> concat(List<Integer> a, List<Integer> b) {
    List<Integer> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void closeAll(List<AutoCloseable> held) {
    for (AutoCloseable closeable : held) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // Closing on the way out of a failed start-up: nothing more to do.
      }
    }
  }
}
