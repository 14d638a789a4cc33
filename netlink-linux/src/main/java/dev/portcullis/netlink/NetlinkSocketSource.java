package dev.portcullis.netlink;

import com.google.auto.service.AutoService;
import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.SocketHolders;
import dev.portcullis.api.SocketSource;
import dev.portcullis.linux.ProcessDescriptors;
import dev.portcullis.netlink.codec.InetDiagSocket;
import dev.portcullis.netlink.codec.SockDiagQuery;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code netlink} socket source: asks the kernel for its listening sockets over {@code
 * NETLINK_SOCK_DIAG}, one dump per family and protocol, with each socket's inode, owner and the
 * cgroup v2 id it was created in.
 *
 * <p>The preferred source (order 0): a dump costs about a millisecond for thousands of sockets, and
 * the cgroup ids let a scan attribute sockets without reading every process's descriptors. Kernels
 * before 5.7 send no cgroup id; the probe notices that when it sees a socket without one.
 *
 * <p>Each snapshot opens its own netlink socket and closes it on every path: a dump that failed
 * part-way leaves replies queued, and a fresh socket is the simple way never to read them as the
 * next dump's. The 64 KiB receive buffer is kept and guarded by a lock, so snapshots from different
 * threads are serialized.
 *
 * <p>Construction does nothing: jnr-ffi is first touched by the probe.
 *
 * @since 0.1
 */
@AutoService(SocketSource.class)
public final class NetlinkSocketSource implements SocketSource {

  private static final Logger LOG = LoggerFactory.getLogger(NetlinkSocketSource.class);

  /** Twice the largest datagram the kernel sends in a dump. */
  static final int BUFFER_SIZE = 64 * 1024;

  private static final SockDiagQuery PROBE = new SockDiagQuery(AddressFamily.IPV4, Protocol.TCP);

  /** Where jnr-ffi cannot bind libc, which the probe reports anyway. */
  private final ProcessDescriptors descriptors;

  private NativeDescriptors nativeDescriptors; // guarded by lock, made on first use
  private final ReentrantLock lock = new ReentrantLock();
  private ByteBuffer buffer; // guarded by lock, allocated on first use
  private final InodeSet seen = new InodeSet(16); // guarded by lock, kept for its table
  private Optional<Throwable> unavailabilityCause; // guarded by lock, probed on first use
  private volatile boolean cgroupIdsMissing;

  /** Why there is no {@link #holders}, once tried; guarded by lock. */
  private String holdersMissing;

  private HolderIterator holders; // guarded by lock, loaded on first use

  /** A source over the host's kernel and {@code /proc}; does no work until used. */
  public NetlinkSocketSource() {
    this.descriptors = new ProcessDescriptors();
  }

  /** {@code netlink}. */
  @Override
  public String name() {
    return "netlink";
  }

  /** 0: preferred over {@code procfs}. */
  @Override
  public int order() {
    return 0;
  }

  /**
   * Why netlink cannot be used here, or empty. Probes once by doing the real thing: binds libc
   * through jnr-ffi, opens a {@code NETLINK_SOCK_DIAG} socket and reads the first datagram of a
   * TCP/IPv4 dump. The cause is the exception that stopped it, for example {@code
   * socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG) failed: EPROTONOSUPPORT (errno 93)} or a
   * jnr-ffi binding failure.
   */
  @Override
  public Optional<Throwable> unavailabilityCause() {
    lock.lock();
    try {
      if (unavailabilityCause == null) {
        unavailabilityCause = probe();
      }
      return unavailabilityCause;
    } finally {
      lock.unlock();
    }
  }

  private Optional<Throwable> probe() {
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      return Optional.of(
          new UnsupportedOperationException(
              "NETLINK_SOCK_DIAG exists only on Linux, not on " + os));
    }
    try (SockDiagSocket socket = open()) {
      // The first datagram tells whether dumps work and carry cgroup ids; on a host with ten
      // thousand listeners, reading them all would cost a short command most of its probe.
      List<InetDiagSocket> sockets = socket.firstSockets(PROBE);
      cgroupIdsMissing = sockets.stream().anyMatch(s -> s.cgroupId().isEmpty());
      LOG.debug(
          "netlink probe: {} TCP/IPv4 listeners in the first datagram, cgroup ids {}",
          sockets.size(),
          cgroupIdsMissing ? "missing" : "present");
      return Optional.empty();
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.debug("netlink is unavailable", e);
      return Optional.of(e);
    }
  }

  /**
   * The listening sockets of the asked protocols, from two dumps per protocol (IPv4 and IPv6).
   * Sockets without a port (unbound UDP) or without an inode (being destroyed) are left out, as no
   * process can be listening on them; a socket the kernel reports twice (its tables changed between
   * two parts of a dump) is kept once.
   */
  @Override
  public List<ListeningSocket> listeningSockets(Set<Protocol> protocols) throws IOException {
    Objects.requireNonNull(protocols, "protocols");
    lock.lock();
    try (SockDiagSocket socket = open()) {
      // Sized by the last snapshot, whose inodes the set still holds: a host's socket count
      // changes slowly.
      int last = seen.size();
      List<ListeningSocket> sockets = new ArrayList<>(last + last / 8 + 16);
      seen.clear();
      for (SockDiagQuery query : SockDiagQuery.ALL) {
        if (!protocols.contains(query.protocol())) {
          continue;
        }
        for (InetDiagSocket found : socket.dump(query)) {
          // A dump read in many datagrams can report a socket twice when the table changes
          // between them; the first report is kept.
          if (found.port() != 0 && found.inode() != 0 && seen.add(found.inode())) {
            sockets.add(listening(query.protocol(), found));
          }
        }
      }
      return Collections.unmodifiableList(sockets);
    } finally {
      lock.unlock();
    }
  }

  /** Must be called with the lock held. */
  private SockDiagSocket open() throws IOException {
    if (buffer == null) {
      buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
    }
    return SockDiagSocket.open(LibCBinding.get(), buffer);
  }

  private static ListeningSocket listening(Protocol protocol, InetDiagSocket found) {
    return ListeningSocket.builder()
        .family(found.family())
        .protocol(protocol)
        .address(found.address())
        .port(found.port())
        .inode(found.inode())
        .uid(found.uid())
        .cgroupId(found.cgroupId())
        .build();
  }

  /**
   * Reads {@code /proc/<pid>/fd} with {@code getdents64} and {@code readlinkat} through jnr-ffi
   * (see {@link NativeDescriptors}), or with the JDK's file API where libc cannot be bound.
   */
  @Override
  public Set<Long> socketInodes(long pid) throws IOException {
    lock.lock();
    try {
      if (nativeDescriptors == null) {
        try {
          nativeDescriptors = new NativeDescriptors(LibCBinding.get());
        } catch (IOException e) {
          return descriptors.socketInodes(pid);
        }
      }
      return nativeDescriptors.socketInodes(pid);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Every process's socket descriptors from one read of a BPF {@code task_file} iterator (see
   * {@link HolderIterator}), where the kernel lets this process load it; empty otherwise, for
   * example without {@code CAP_BPF}, without BTF, before Linux 5.8, or when this process runs in a
   * pid namespace of its own, whose pids the iterator's would not match.
   *
   * <p>The first call loads the program and checks it against {@code /proc/self/fd}, with a socket
   * of its own open for the check: some socket that file lists must be reported as this process's.
   * A load or check that fails is not tried again; its reason is logged once, at debug level, and
   * is {@link #holdersUnavailableCause()}.
   */
  @Override
  public Optional<SocketHolders> socketHolders() throws IOException {
    lock.lock();
    try {
      if (holders == null && holdersMissing == null) {
        holders = loadHolders();
      }
      return holders == null ? Optional.empty() : Optional.of(holders.read());
    } finally {
      lock.unlock();
    }
  }

  /** Why {@link #socketHolders()} is empty; empty when it answers or was never asked. */
  Optional<String> holdersUnavailableCause() {
    lock.lock();
    try {
      return Optional.ofNullable(holdersMissing);
    } finally {
      lock.unlock();
    }
  }

  /** Must be called with the lock held; null when the iterator cannot be used here. */
  private HolderIterator loadHolders() {
    HolderIterator loaded = null;
    try {
      loaded = HolderIterator.load();
      String mismatch = selfCheck(loaded);
      if (mismatch == null) {
        LOG.debug("Socket holders are read with a BPF task_file iterator");
        HolderIterator kept = loaded;
        loaded = null;
        return kept;
      }
      holdersMissing = mismatch;
    } catch (IOException | RuntimeException | LinkageError e) {
      holdersMissing = "the BPF task_file iterator cannot be loaded: " + e.getMessage();
    } finally {
      if (loaded != null) {
        loaded.close();
      }
    }
    LOG.debug("Socket holders are read from /proc, one process at a time: {}", holdersMissing);
    return null;
  }

  /** Why the iterator's answer for this process is not what {@code /proc/self/fd} says, or null. */
  private String selfCheck(HolderIterator iterator) throws IOException {
    long self = ProcessHandle.current().pid();
    // An unbound TCP socket of this process's own, held open across both reads.
    ServerSocketChannel probe = ServerSocketChannel.open();
    try {
      Set<Long> fromProc = socketInodes(self);
      SocketHolders read = iterator.read();
      Set<Long> fromIterator = new HashSet<>();
      for (int i = 0; i < read.size(); i++) {
        if (read.pid(i) == self) {
          fromIterator.add(read.inode(i));
        }
      }
      fromIterator.retainAll(fromProc);
      if (fromIterator.isEmpty()) {
        return "the BPF task_file iterator reported none of the "
            + fromProc.size()
            + " sockets /proc/self/fd shows for pid "
            + self
            + " (another pid namespace?)";
      }
      return null;
    } finally {
      probe.close();
    }
  }

  /**
   * True: sockets carry the cgroup id they were created in. False only when the probe saw a socket
   * without one (a kernel older than 5.7, or built without {@code CONFIG_SOCK_CGROUP_DATA}).
   */
  @Override
  public boolean reportsCgroupIds() {
    return !cgroupIdsMissing;
  }

  @Override
  public String toString() {
    return "netlink socket source (NETLINK_SOCK_DIAG)";
  }
}
