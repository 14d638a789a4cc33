package dev.portcullis.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.Listener;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The netlink source against two independent views of the same host: {@code ss} and the procfs
 * source. Other processes may open and close sockets meanwhile, so each comparison brackets one
 * netlink snapshot between two reads of the other view: a socket in both of those must be in the
 * snapshot, and a socket in the snapshot must be in at least one of them.
 */
@RequiresLinuxRoot
class SourcesAgreeTest {

  /** What both views can say about a socket. */
  record Key(Protocol protocol, InetAddress address, int port, long inode) {
    @Override
    public String toString() {
      return protocol + " " + address.getHostAddress() + " " + port + " inode " + inode;
    }
  }

  private static final Pattern SS_LINE =
      Pattern.compile(
          "^(?:(tcp|udp)\\s+)?(?:LISTEN|UNCONN)\\s+\\d+\\s+\\d+\\s+(\\S+)\\s+\\S+\\s.*\\bino:(\\d+)");

  private final NetlinkSocketSource netlink = new NetlinkSocketSource();
  private final ProcNetSocketSource procfs = new ProcNetSocketSource();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final Set<Integer> ports = new HashSet<>();

  /** Some sockets of every kind, so that no comparison is between two empty sets. */
  @BeforeEach
  void openSocketsOfEveryKind() throws IOException {
    List<Integer> listenerPorts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      listenerPorts.add(FreePorts.any());
    }
    open.add(
        Listener.builder()
            .tcp4("0.0.0.0", listenerPorts.get(0))
            .tcp6("::", listenerPorts.get(1), false)
            .tcp6("::ffff:127.0.0.1", listenerPorts.get(2), false)
            .udp4("127.0.0.1", listenerPorts.get(3))
            .udp6("::", listenerPorts.get(4), true)
            .start());
    ports.addAll(listenerPorts);
    ServerSocketChannel tcp =
        ServerSocketChannel.open(StandardProtocolFamily.INET6)
            .bind(new InetSocketAddress("::1", 0));
    open.add(tcp);
    DatagramChannel udp =
        DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("0.0.0.0", 0));
    open.add(udp);
    ports.add(Host.portOf(tcp));
    ports.add(Host.portOf(udp));
  }

  @AfterEach
  void closeEverything() throws Exception {
    Host.closeAll(open);
  }

  /** {@code ss -ltnue}: listening, TCP, numeric, UDP (the {@code u}), extended with inodes. */
  @Test
  void ssLtnueSeesTheSameTcpAndUdpSocketsAndInodes() throws Exception {
    assertAgree(
        "ss -ltnue",
        () -> ss("-ltnueH", null),
        () -> keys(netlink.listeningSockets(EnumSet.allOf(Protocol.class))));
  }

  @Test
  void ssLunueSeesTheSameUdpSocketsAndInodes() throws Exception {
    assertAgree(
        "ss -lunue",
        () -> ss("-lunueH", Protocol.UDP),
        () -> keys(netlink.listeningSockets(EnumSet.of(Protocol.UDP))));
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void procfsSeesTheSameSocketsAndInodes(Protocol protocol) throws Exception {
    assertAgree(
        "procfs",
        () -> keys(procfs.listeningSockets(EnumSet.of(protocol))),
        () -> keys(netlink.listeningSockets(EnumSet.of(protocol))));
  }

  @Test
  void procfsAgreesOnFamilyAddressUidAndInodeOfTheSocketsOpenedHere() throws IOException {
    Set<String> fromNetlink = opened(netlink.listeningSockets(EnumSet.allOf(Protocol.class)));
    Set<String> fromProcfs = opened(procfs.listeningSockets(EnumSet.allOf(Protocol.class)));
    assertEquals(7, fromNetlink.size(), fromNetlink::toString);
    assertEquals(fromNetlink, fromProcfs);
  }

  private Set<String> opened(List<ListeningSocket> sockets) {
    return sockets.stream()
        .filter(s -> ports.contains(s.port()))
        .map(s -> s.family() + " " + s + " uid " + s.uid())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Reads the other view, then netlink, then the other view again. A socket in both reads lived
   * throughout, so netlink must have it: a miss fails at once. A socket netlink has must be in one
   * of the reads, unless it lived only between them (another process's fleeting bind); that is
   * asked again, up to three times in all, before it fails.
   */
  private void assertAgree(
      String view, Host.IoSupplier<Set<Key>> other, Host.IoSupplier<Set<Key>> fromNetlink)
      throws IOException {
    Set<Key> extra = Set.of();
    for (int attempt = 1; attempt <= 3; attempt++) {
      Set<Key> before = other.get();
      Set<Key> snapshot = fromNetlink.get();
      Set<Key> after = other.get();

      Set<Key> steady = new HashSet<>(before);
      steady.retainAll(after);
      assertEquals(
          Set.of(),
          sorted(steady, snapshot),
          "in " + view + " before and after, but not in netlink");
      assertTrue(
          steady.stream().filter(k -> ports.contains(k.port())).count() >= 3,
          () -> "the sockets this test opened are in " + view + ": " + steady);

      Set<Key> seen = new HashSet<>(before);
      seen.addAll(after);
      extra = sorted(snapshot, seen);
      if (extra.isEmpty()) {
        return;
      }
    }
    assertEquals(Set.of(), extra, "in netlink, but in neither " + view + " read, three times");
  }

  /** The keys of {@code from} that are not in {@code without}, in a readable order. */
  private static Set<Key> sorted(Set<Key> from, Set<Key> without) {
    Set<Key> rest = new TreeSet<>(Comparator.comparing(Key::toString));
    rest.addAll(from);
    rest.removeAll(without);
    return rest;
  }

  private static Set<Key> keys(List<ListeningSocket> sockets) {
    return sockets.stream()
        .map(s -> new Key(s.protocol(), s.address(), s.port(), s.inode()))
        .collect(Collectors.toSet());
  }

  /**
   * Runs {@code ss} without a header ({@code -H}). It prints a Netid column ({@code tcp}, {@code
   * udp}) only when asked for more than one protocol; {@code only} is the protocol otherwise.
   */
  private static Set<Key> ss(String flags, Protocol only) throws IOException {
    Process ss = new ProcessBuilder("ss", flags).redirectErrorStream(true).start();
    try {
      String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try {
        assertTrue(ss.waitFor(10, TimeUnit.SECONDS), "ss did not finish");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for ss");
      }
      assertEquals(0, ss.exitValue(), output);
      Set<Key> keys = new HashSet<>();
      for (String line : output.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        Matcher m = SS_LINE.matcher(line.trim());
        assertTrue(m.find(), () -> "Unexpected ss line: " + line);
        Protocol protocol =
            m.group(1) == null ? only : Protocol.valueOf(m.group(1).toUpperCase(Locale.ROOT));
        parseEndpoint(protocol, m.group(2), Long.parseLong(m.group(3))).ifPresent(keys::add);
      }
      return keys;
    } finally {
      ss.destroyForcibly();
    }
  }

  /**
   * {@code 0.0.0.0:22}, {@code 127.0.0.53%lo:53}, {@code [::1]:631}, {@code [::ffff:1.2.3.4]:80},
   * {@code *:22} (the dual-stack wildcard); empty for a socket without port or inode.
   */
  private static Optional<Key> parseEndpoint(Protocol protocol, String endpoint, long inode)
      throws IOException {
    int colon = endpoint.lastIndexOf(':');
    String host = endpoint.substring(0, colon);
    String port = endpoint.substring(colon + 1);
    if (port.equals("*") || port.equals("0") || inode == 0) {
      return Optional.empty();
    }
    int percent = host.indexOf('%');
    if (percent >= 0) {
      host = host.substring(0, percent);
    }
    host = host.replace("[", "").replace("]", "");
    InetAddress address = InetAddress.getByName(host.equals("*") ? "::" : host);
    return Optional.of(new Key(protocol, address, Integer.parseInt(port), inode));
  }
}
