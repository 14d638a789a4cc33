package dev.portcullis.netlink;

import static dev.portcullis.netlink.Host.hasInode;
import static dev.portcullis.netlink.Host.inodeOf;
import static dev.portcullis.netlink.Host.on;
import static dev.portcullis.netlink.Host.portOf;
import static dev.portcullis.netlink.Host.withInode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.netlink.codec.SockDiagQuery;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.Listener;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The netlink source against the real kernel, with listeners this test opens. */
@RequiresLinuxRoot
class NetlinkSocketSourceTest {

  private static final Set<Protocol> TCP = EnumSet.of(Protocol.TCP);
  private static final Set<Protocol> UDP = EnumSet.of(Protocol.UDP);
  private static final Set<Protocol> BOTH = EnumSet.allOf(Protocol.class);

  private final NetlinkSocketSource source = new NetlinkSocketSource();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    Host.closeAll(open);
  }

  private static StandardProtocolFamily family(String name) {
    return StandardProtocolFamily.valueOf(name);
  }

  @Test
  void theProbeRunsARealDumpAndFindsNetlinkAvailable() {
    assertEquals(Optional.empty(), source.unavailabilityCause());
    assertTrue(source.isAvailable());
    assertEquals("netlink", source.name());
    assertEquals(0, source.order());
    assertTrue(source.reportsCgroupIds());
  }

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @CsvSource({
    "INET, 0.0.0.0, IPV4, 0.0.0.0",
    "INET, 127.0.0.1, IPV4, 127.0.0.1",
    "INET6, ::, IPV6, [::]",
    "INET6, ::1, IPV6, [::1]",
    "INET6, 127.0.0.1, IPV6, [::ffff:127.0.0.1]",
  })
  void aTcpListenerAppearsOnceWithItsFamilyAddressPortAndInode(
      String family, String bind, AddressFamily expectedFamily, String expectedHost)
      throws IOException {
    ServerSocketChannel[] channel = new ServerSocketChannel[1];
    long inode =
        inodeOf(
            () ->
                channel[0] =
                    ServerSocketChannel.open(family(family)).bind(new InetSocketAddress(bind, 0)),
            open);
    int port = portOf(channel[0]);
    List<ListeningSocket> snapshot = source.listeningSockets(TCP);
    ListeningSocket socket = withInode(snapshot, inode);
    assertEquals(expectedFamily, socket.family());
    assertEquals(Protocol.TCP, socket.protocol());
    assertEquals(expectedHost + ":" + port, socket.endpoint());
    assertEquals(Host.uid(), socket.uid());
    assertEquals(List.of(socket), on(snapshot, Protocol.TCP, port));
  }

  @Test
  void anIpv4MappedListenerIsIpv6WithAJavaIpv4Address() throws IOException {
    ServerSocketChannel[] channel = new ServerSocketChannel[1];
    long inode =
        inodeOf(
            () ->
                channel[0] =
                    ServerSocketChannel.open(StandardProtocolFamily.INET6)
                        .bind(new InetSocketAddress("127.0.0.1", 0)),
            open);
    ListeningSocket socket = withInode(source.listeningSockets(TCP), inode);
    assertEquals(AddressFamily.IPV6, socket.family());
    assertInstanceOf(Inet4Address.class, socket.address());
  }

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @CsvSource({
    "INET, 0.0.0.0, IPV4, 0.0.0.0",
    "INET, 127.0.0.1, IPV4, 127.0.0.1",
    "INET6, ::, IPV6, [::]",
    "INET6, ::1, IPV6, [::1]",
  })
  void aBoundUdpSocketAppearsOnlyWhenUdpIsAsked(
      String family, String bind, AddressFamily expectedFamily, String expectedHost)
      throws IOException {
    DatagramChannel[] channel = new DatagramChannel[1];
    long inode =
        inodeOf(
            () ->
                channel[0] =
                    DatagramChannel.open(family(family)).bind(new InetSocketAddress(bind, 0)),
            open);
    int port = portOf(channel[0]);
    assertFalse(hasInode(source.listeningSockets(TCP), inode), "UDP socket in a TCP-only snapshot");
    for (Set<Protocol> protocols : List.of(UDP, BOTH)) {
      List<ListeningSocket> snapshot = source.listeningSockets(protocols);
      ListeningSocket socket = withInode(snapshot, inode);
      assertEquals(expectedFamily, socket.family());
      assertEquals(Protocol.UDP, socket.protocol());
      assertEquals(expectedHost + ":" + port, socket.endpoint());
      assertEquals(List.of(socket), on(snapshot, Protocol.UDP, port));
    }
  }

  @Test
  void eachSnapshotHoldsOnlyTheAskedProtocols() throws IOException {
    assertTrue(source.listeningSockets(TCP).stream().allMatch(s -> s.protocol() == Protocol.TCP));
    assertTrue(source.listeningSockets(UDP).stream().allMatch(s -> s.protocol() == Protocol.UDP));
    assertEquals(List.of(), source.listeningSockets(Set.of()));
  }

  @Test
  void connectedAndUnboundSocketsAreNotListeners() throws IOException {
    ServerSocketChannel[] server = new ServerSocketChannel[1];
    long listener =
        inodeOf(
            () ->
                server[0] =
                    ServerSocketChannel.open(StandardProtocolFamily.INET)
                        .bind(new InetSocketAddress("127.0.0.1", 0)),
            open);
    long client =
        inodeOf(
            () -> SocketChannel.open(new InetSocketAddress("127.0.0.1", portOf(server[0]))), open);
    long accepted = inodeOf(() -> server[0].accept(), open);
    long unbound = inodeOf(() -> DatagramChannel.open(StandardProtocolFamily.INET), open);
    long connected =
        inodeOf(
            () ->
                DatagramChannel.open(StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .connect(new InetSocketAddress("127.0.0.1", 9)),
            open);
    List<ListeningSocket> snapshot = source.listeningSockets(BOTH);
    assertTrue(hasInode(snapshot, listener));
    for (long inode : new long[] {client, accepted, unbound, connected}) {
      assertFalse(hasInode(snapshot, inode), "inode " + inode + " is no listener");
    }
  }

  @Test
  void port65535IsAnOrdinaryPort() throws IOException {
    long tcp;
    long udp;
    try {
      tcp =
          inodeOf(
              () ->
                  ServerSocketChannel.open(StandardProtocolFamily.INET)
                      .bind(new InetSocketAddress("127.0.0.1", 65535)),
              open);
      udp =
          inodeOf(
              () ->
                  DatagramChannel.open(StandardProtocolFamily.INET)
                      .bind(new InetSocketAddress("127.0.0.1", 65535)),
              open);
    } catch (BindException inUse) {
      String why = "Port 65535 is in use on this host (" + inUse.getMessage() + "); not checked";
      System.out.println(why);
      Assumptions.abort(why);
      return;
    }
    List<ListeningSocket> snapshot = source.listeningSockets(BOTH);
    assertEquals("127.0.0.1:65535", withInode(snapshot, tcp).endpoint());
    assertEquals("127.0.0.1:65535", withInode(snapshot, udp).endpoint());
  }

  @Test
  void aChildsSocketsCarryTheInodesItsDescriptorsName() throws Exception {
    int tcp4 = FreePorts.any();
    int tcp6 = FreePorts.any();
    int udp4 = FreePorts.any();
    int udp6 = FreePorts.any();
    try (Listener listener =
        Listener.builder()
            .tcp4("0.0.0.0", tcp4)
            .tcp6("::", tcp6, false)
            .udp4("127.0.0.1", udp4)
            .udp6("::1", udp6, true)
            .forked()
            .start()) {
      Set<Long> held = source.socketInodes(listener.holder());
      List<ListeningSocket> snapshot = source.listeningSockets(BOTH);
      List<ListeningSocket> child =
          List.of(
              only(on(snapshot, Protocol.TCP, tcp4)),
              only(on(snapshot, Protocol.TCP, tcp6)),
              only(on(snapshot, Protocol.UDP, udp4)),
              only(on(snapshot, Protocol.UDP, udp6)));
      assertEquals(
          List.of("0.0.0.0:" + tcp4, "[::]:" + tcp6, "127.0.0.1:" + udp4, "[::1]:" + udp6),
          child.stream().map(ListeningSocket::endpoint).collect(Collectors.toList()));
      assertEquals(held, child.stream().map(ListeningSocket::inode).collect(Collectors.toSet()));
      assertEquals(Set.of(), source.socketInodes(listener.pid()), "the forking parent holds none");
      Optional<Long> cgroup = Host.cgroupId(listener.holder());
      for (ListeningSocket socket : child) {
        assertEquals(0, socket.uid());
        cgroup.ifPresent(id -> assertEquals(id, socket.cgroupId().getAsLong(), socket.toString()));
      }
    }
  }

  private static ListeningSocket only(List<ListeningSocket> sockets) {
    assertEquals(1, sockets.size(), () -> "expected one socket, found " + sockets);
    return sockets.get(0);
  }

  @Test
  void theCgroupIdIsTheInodeOfTheCreatorsCgroupDirectory() throws IOException {
    Optional<Long> expected = Host.cgroupId(Host.SELF);
    Assumptions.assumeTrue(expected.isPresent(), "no cgroup v2 hierarchy is mounted");
    long inode =
        inodeOf(
            () ->
                ServerSocketChannel.open(StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress("127.0.0.1", 0)),
            open);
    ListeningSocket socket = withInode(source.listeningSockets(TCP), inode);
    assertEquals(expected.get(), socket.cgroupId().getAsLong());
  }

  @Test
  void aThousandListenersSpanManyDatagramsAndAreAllFound() throws IOException {
    Set<Long> before = Host.ownSocketInodes();
    for (int i = 0; i < 1000; i++) {
      open.add(
          ServerSocketChannel.open(StandardProtocolFamily.INET)
              .bind(new InetSocketAddress("127.0.0.1", 0)));
    }
    Set<Long> added = new HashSet<>(Host.ownSocketInodes());
    added.removeAll(before);
    assertEquals(1000, added.size());
    List<ListeningSocket> snapshot = source.listeningSockets(TCP);
    Set<Long> found = snapshot.stream().map(ListeningSocket::inode).collect(Collectors.toSet());
    assertTrue(found.containsAll(added), "every listener is in the dump");
    assertEquals(found.size(), snapshot.size(), "each socket appears once");
  }

  @Test
  void snapshotsFromManyThreadsAreEachWhole() throws Exception {
    long inode =
        inodeOf(
            () ->
                ServerSocketChannel.open(StandardProtocolFamily.INET6)
                    .bind(new InetSocketAddress("::", 0)),
            open);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        results.add(threads.submit(() -> hasInode(source.listeningSockets(BOTH), inode)));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get());
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void twoHundredSnapshotsLeakNoDescriptor() throws IOException {
    source.listeningSockets(BOTH); // loads classes and binds libc first
    Map<String, String> before = Host.openSockets();
    for (int i = 0; i < 200; i++) {
      source.listeningSockets(BOTH);
    }
    assertEquals(before, Host.openSockets());
    assertEquals(0, Host.openNetlinkSockets());
  }

  @Test
  void aFailedDumpClosesItsSocketAndSaysWhy() throws IOException {
    inodeOf(
        () ->
            ServerSocketChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress("127.0.0.1", 0)),
        open);
    // Room for the request, not for a datagram holding a socket's message (88 bytes and up).
    ByteBuffer tooSmall = ByteBuffer.allocateDirect(80);
    Map<String, String> before = Host.openSockets();
    for (int i = 0; i < 50; i++) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> {
                try (SockDiagSocket socket = SockDiagSocket.open(LibCBinding.get(), tooSmall)) {
                  socket.dump(SockDiagQuery.ALL.get(0));
                }
              });
      assertTrue(e.getMessage().contains("did not fit the 80-byte buffer"), e.getMessage());
    }
    assertEquals(before, Host.openSockets());
    assertEquals(0, Host.openNetlinkSockets());
  }

  @Test
  void aProcessThatHasExitedHoldsNoSockets() throws Exception {
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    assertEquals(Set.of(), source.socketInodes(exited.pid()));
    long inode = inodeOf(() -> DatagramChannel.open().bind(new InetSocketAddress("::", 0)), open);
    assertTrue(source.socketInodes(Host.SELF).contains(inode));
  }

  @Test
  void socketsOpenAfterConnectingAreCheckedAgainstTheirOwnPortId() throws IOException {
    try (SockDiagSocket socket =
        SockDiagSocket.open(
            LibCBinding.get(), ByteBuffer.allocateDirect(NetlinkSocketSource.BUFFER_SIZE))) {
      assertTrue(socket.portId() != 0, "the kernel assigned a port id");
      assertEquals(1, Host.openNetlinkSockets(), "the leak checks can see a netlink socket");
      for (SockDiagQuery query : SockDiagQuery.ALL) {
        socket.dump(query); // four dumps on one socket, sequence numbers counting up
      }
    }
  }
}
