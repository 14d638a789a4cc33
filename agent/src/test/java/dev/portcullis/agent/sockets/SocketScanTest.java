package dev.portcullis.agent.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.SocketSource;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Attribution in {@code portcullis scan}, over in-memory providers. */
class SocketScanTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final ContainerId TASK = EXECUTOR.child("task");
  private static final ContainerId OTHER = ContainerId.of("other");

  /** Sockets by inode, and the inodes each pid holds. */
  private static final class Source implements SocketSource {
    final List<ListeningSocket> sockets = new ArrayList<>();
    final Map<Long, Set<Long>> inodes = new HashMap<>();
    final Set<Long> unreadable = new HashSet<>();
    IOException snapshotFailure;
    Set<Protocol> asked;

    ListeningSocket listen(Protocol protocol, int port, long inode, Long... holders) {
      ListeningSocket socket =
          ListeningSocket.builder()
              .protocol(protocol)
              .family(AddressFamily.IPV4)
              .address(InetAddress.getLoopbackAddress())
              .port(port)
              .inode(inode)
              .uid(0)
              .build();
      sockets.add(socket);
      for (long pid : holders) {
        inodes.computeIfAbsent(pid, p -> new HashSet<>()).add(inode);
      }
      return socket;
    }

    @Override
    public String name() {
      return "memory";
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
      return Optional.empty();
    }

    @Override
    public List<ListeningSocket> listeningSockets(Set<Protocol> protocols) throws IOException {
      asked = protocols;
      if (snapshotFailure != null) {
        throw snapshotFailure;
      }
      return sockets.stream().filter(s -> protocols.contains(s.protocol())).toList();
    }

    @Override
    public Set<Long> socketInodes(long pid) throws IOException {
      if (unreadable.contains(pid)) {
        throw new IOException("Permission denied");
      }
      return inodes.getOrDefault(pid, Set.of());
    }

    @Override
    public boolean reportsCgroupIds() {
      return false;
    }
  }

  /** Containers with the pids of their whole subtree, as a real tracker reports them. */
  private static final class Tracker implements ProcessTracker {
    final Map<ContainerId, Set<Long>> own = new LinkedHashMap<>();
    IOException failure;
    IOException pidsFailure;

    void put(ContainerId container, Long... pids) {
      own.put(container, Set.of(pids));
    }

    @Override
    public String name() {
      return "memory";
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
      return Optional.empty();
    }

    @Override
    public Set<ContainerId> containers() throws IOException {
      if (failure != null) {
        throw failure;
      }
      return own.keySet();
    }

    @Override
    public Set<Long> pids(ContainerId container) throws IOException {
      if (pidsFailure != null) {
        throw pidsFailure;
      }
      Set<Long> pids = new TreeSet<>();
      own.forEach(
          (id, p) -> {
            if (container.isAncestorOrSelfOf(id)) {
              pids.addAll(p);
            }
          });
      return pids;
    }

    @Override
    public boolean reportsCgroupIds() {
      return false;
    }

    @Override
    public Set<Long> cgroupIds(ContainerId container) {
      return Set.of();
    }

    @Override
    public boolean exists(ContainerId container) {
      return own.containsKey(container);
    }

    @Override
    public void create(ContainerId container) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void place(ContainerId container, long pid) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void kill(ContainerId container) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void remove(ContainerId container) {
      throw new UnsupportedOperationException();
    }
  }

  private final Source source = new Source();
  private final Tracker tracker = new Tracker();

  private List<ScannedSocket> scan(Set<Protocol> protocols, long... hostPids) throws Exception {
    return new SocketScan(source, tracker, () -> LongStream.of(hostPids)).scan(protocols);
  }

  private static ScannedSocket byPort(List<ScannedSocket> scanned, int port) {
    return scanned.stream().filter(s -> s.socket().port() == port).findFirst().orElseThrow();
  }

  @Test
  void eachSocketGetsItsHoldersAndTheirDeepestContainer() throws Exception {
    tracker.put(EXECUTOR, 10L);
    tracker.put(TASK, 20L, 21L);
    tracker.put(OTHER);
    source.listen(Protocol.TCP, 8080, 100, 10L);
    source.listen(Protocol.TCP, 9090, 200, 21L, 20L);
    source.listen(Protocol.TCP, 22, 300, 1L);
    source.listen(Protocol.TCP, 7070, 400);

    List<ScannedSocket> scanned = scan(Set.of(Protocol.TCP), 1, 10, 20, 21, 99);

    assertEquals(
        List.of(22, 7070, 8080, 9090), scanned.stream().map(s -> s.socket().port()).toList());
    assertEquals(Optional.of(EXECUTOR), byPort(scanned, 8080).container());
    assertEquals(List.of(10L), byPort(scanned, 8080).pids());
    assertEquals(Optional.of(TASK), byPort(scanned, 9090).container(), "the deepest wins");
    assertEquals(List.of(20L, 21L), byPort(scanned, 9090).pids());
    assertEquals(Optional.empty(), byPort(scanned, 22).container());
    assertEquals(List.of(1L), byPort(scanned, 22).pids());
    assertEquals(Optional.empty(), byPort(scanned, 7070).container(), "no holder found");
    assertEquals(List.of(), byPort(scanned, 7070).pids());
  }

  @Test
  void aSocketSharedWithTheHostBelongsToTheContainer() throws Exception {
    tracker.put(EXECUTOR, 10L);
    source.listen(Protocol.TCP, 8080, 100, 1L, 10L);
    ScannedSocket scanned = scan(Set.of(Protocol.TCP), 1, 10).get(0);
    assertEquals(Optional.of(EXECUTOR), scanned.container());
    assertEquals(List.of(1L, 10L), scanned.pids());
  }

  @Test
  void aSocketSharedByContainersBelongsToTheLowestPidsOne() throws Exception {
    tracker.put(EXECUTOR, 30L);
    tracker.put(OTHER, 12L);
    source.listen(Protocol.TCP, 8080, 100, 30L, 12L);
    assertEquals(Optional.of(OTHER), scan(Set.of(Protocol.TCP), 12, 30).get(0).container());
  }

  @Test
  void aProcessThatCannotBeReadIsSkippedAlone() throws Exception {
    tracker.put(EXECUTOR, 10L, 11L);
    source.listen(Protocol.TCP, 8080, 100, 10L, 11L);
    source.unreadable.add(10L);
    ScannedSocket scanned = scan(Set.of(Protocol.TCP), 10, 11).get(0);
    assertEquals(List.of(11L), scanned.pids());
    assertEquals(Optional.of(EXECUTOR), scanned.container());
  }

  @Test
  void theProtocolsAskedArePassedToTheSource() throws Exception {
    source.listen(Protocol.TCP, 8080, 100);
    source.listen(Protocol.UDP, 8080, 101);
    assertEquals(1, scan(Set.of(Protocol.TCP)).size());
    assertEquals(Set.of(Protocol.TCP), source.asked);
    List<ScannedSocket> both = scan(Set.of(Protocol.TCP, Protocol.UDP));
    assertEquals(
        List.of(Protocol.TCP, Protocol.UDP),
        both.stream().map(s -> s.socket().protocol()).toList());
  }

  @Test
  void aFailedSnapshotFailsTheScanNamingTheSource() {
    IOException cause = new IOException("netlink dump interrupted 5 times");
    source.snapshotFailure = cause;
    SocketScan.ScanFailedException error =
        assertThrows(SocketScan.ScanFailedException.class, () -> scan(Set.of(Protocol.TCP)));
    assertEquals(
        "cannot take a snapshot of the listening sockets with the memory socket source:"
            + " netlink dump interrupted 5 times",
        error.getMessage());
    assertSame(cause, error.getCause());
  }

  @Test
  void unreadableContainersFailTheScanNamingTheTracker() {
    tracker.failure = new IOException("The cgroup hierarchy is unavailable: gone");
    SocketScan.ScanFailedException error =
        assertThrows(SocketScan.ScanFailedException.class, () -> scan(Set.of(Protocol.TCP)));
    assertTrue(
        error.getMessage().startsWith("cannot read the containers' cgroups with the memory"),
        error.getMessage());
    assertTrue(error.getMessage().endsWith("unavailable: gone"), error.getMessage());
  }

  @Test
  void aContainerWhoseProcessesCannotBeReadFailsTheScanNamingTheTracker() {
    tracker.put(EXECUTOR, 10L);
    tracker.pidsFailure = new IOException("cgroup.procs: Permission denied");
    SocketScan.ScanFailedException error =
        assertThrows(SocketScan.ScanFailedException.class, () -> scan(Set.of(Protocol.TCP)));
    assertEquals(
        "cannot read the containers' cgroups with the memory process tracker:"
            + " cgroup.procs: Permission denied",
        error.getMessage());
    assertSame(tracker.pidsFailure, error.getCause());
  }
}
