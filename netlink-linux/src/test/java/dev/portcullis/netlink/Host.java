package dev.portcullis.netlink;

import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.linux.MountTable;
import dev.portcullis.linux.ProcessDescriptors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the kernel tests read about this host and this JVM, independently of the sources. */
final class Host {

  static final long SELF = ProcessHandle.current().pid();
  static final ProcessDescriptors DESCRIPTORS = new ProcessDescriptors();

  private Host() {}

  /** The socket inodes this JVM holds, from {@code /proc/self/fd}. */
  static Set<Long> ownSocketInodes() throws IOException {
    return DESCRIPTORS.socketInodes(SELF);
  }

  /** Opens a channel and returns the inode of the one socket it added to {@code /proc/self/fd}. */
  static long inodeOf(IoSupplier<? extends NetworkChannel> open, List<AutoCloseable> toClose)
      throws IOException {
    Set<Long> before = ownSocketInodes();
    NetworkChannel channel = open.get();
    toClose.add(channel);
    Set<Long> added = new HashSet<>(ownSocketInodes());
    added.removeAll(before);
    if (added.size() != 1) {
      throw new AssertionError("Expected one new socket in /proc/self/fd, found " + added);
    }
    return added.iterator().next();
  }

  static int portOf(NetworkChannel channel) {
    try {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The socket descriptors this JVM has open, as {@code fd -> socket:[inode]}. Only sockets: the
   * JVM closes process pipes and other files on its own threads at any time, but nothing in a test
   * JVM opens or closes sockets behind a test's back.
   */
  static Map<String, String> openSockets() throws IOException {
    Map<String, String> sockets = new TreeMap<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            sockets.put(fd.getFileName().toString(), target);
          }
        } catch (NoSuchFileException closed) {
          // closed while listed: not open
        }
      }
    }
    return sockets;
  }

  /** How many netlink sockets this JVM holds: its socket inodes listed in /proc/net/netlink. */
  static long openNetlinkSockets() throws IOException {
    Set<String> netlink = new HashSet<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/net/netlink"))) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length > 9 && fields[9].matches("\\d+")) {
        netlink.add("socket:[" + fields[9] + "]");
      }
    }
    return openSockets().values().stream().filter(netlink::contains).count();
  }

  /** Every process of the host, as {@code /proc} lists them now. */
  static List<Long> pids() throws IOException {
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(name -> name.chars().allMatch(Character::isDigit))
          .map(Long::valueOf)
          .toList();
    }
  }

  /** The effective uid of this JVM. */
  static long uid() throws IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
  }

  /**
   * The cgroup v2 id of the process's cgroup: the inode of its directory in the unified hierarchy,
   * found from the mount table and {@code /proc/<pid>/cgroup}; empty without cgroup v2.
   */
  static Optional<Long> cgroupId(long pid) throws IOException {
    Optional<MountTable.Mount> mount = MountTable.read().cgroup2();
    if (mount.isEmpty()) {
      return Optional.empty();
    }
    String path =
        Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")).stream()
            .filter(line -> line.startsWith("0::"))
            .map(line -> line.substring(3))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No cgroup v2 line for pid " + pid));
    Path directory = mount.get().mountPoint().resolve(path.substring(1));
    return Optional.of(((Number) Files.getAttribute(directory, "unix:ino")).longValue());
  }

  /** The sockets of the snapshot on {@code port} of {@code protocol}. */
  static List<ListeningSocket> on(List<ListeningSocket> snapshot, Protocol protocol, int port) {
    return snapshot.stream()
        .filter(s -> s.protocol() == protocol && s.port() == port)
        .collect(Collectors.toList());
  }

  /** The socket of the snapshot with {@code inode}; fails unless there is exactly one. */
  static ListeningSocket withInode(List<ListeningSocket> snapshot, long inode) {
    List<ListeningSocket> found =
        snapshot.stream().filter(s -> s.inode() == inode).collect(Collectors.toList());
    if (found.size() != 1) {
      throw new AssertionError("Expected one socket with inode " + inode + ", found " + found);
    }
    return found.get(0);
  }

  static boolean hasInode(List<ListeningSocket> snapshot, long inode) {
    return snapshot.stream().anyMatch(s -> s.inode() == inode);
  }

  /** Closes everything, in reverse order, keeping the first failure. */
  static void closeAll(List<AutoCloseable> resources) throws Exception {
    Exception failure = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    resources.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** A supplier that may throw {@link IOException}. */
  @FunctionalInterface
  interface IoSupplier<T> {
    T get() throws IOException;
  }
}
