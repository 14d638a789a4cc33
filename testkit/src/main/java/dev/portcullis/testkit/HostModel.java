package dev.portcullis.testkit;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.SocketHolders;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An in-memory Linux host for tests: a cgroup tree, processes in cgroups, and sockets held through
 * descriptors.
 *
 * <p>It keeps the two facts that make port attribution hard on a real host: a socket remembers the
 * cgroup that <em>created</em> it (its cgroup id never changes), while the processes that
 * <em>hold</em> it may live elsewhere — after a {@link #move}, or after the socket was {@linkplain
 * #pass passed} to a process in another cgroup, or inherited through a {@link #fork}. A socket
 * exists while at least one process holds it.
 *
 * <p>Cgroup paths are absolute and slash-separated ({@code /portcullis/c1/mesos/t1}); the root
 * {@code /} always exists and has id 1, like the cgroup v2 root. Thread-safe: every method is
 * synchronized.
 *
 * @since 0.1
 */
public final class HostModel {

  private final Map<String, Long> cgroupIds = new TreeMap<>();
  private final Map<Long, ModelProcess> processes = new TreeMap<>();
  private long exited; // guarded by this
  private final Map<Long, Socket> sockets = new TreeMap<>();
  private long nextCgroupId = 2;
  private long nextPid = 100;
  private long nextInode = 10_000;

  /** A host with only the root cgroup and no processes. */
  public HostModel() {
    cgroupIds.put("/", 1L);
  }

  private static final class ModelProcess {
    final long pid;
    String cgroup;
    final Set<Long> inodes = new LinkedHashSet<>();

    ModelProcess(long pid, String cgroup) {
      this.pid = pid;
      this.cgroup = cgroup;
    }
  }

  private static final class Socket {
    final ListeningSocket socket;

    Socket(ListeningSocket socket) {
      this.socket = socket;
    }
  }

  // ---- cgroups ----

  /**
   * Creates a cgroup and any missing ancestors. Existing ones are kept.
   *
   * @param path the absolute cgroup path; repeated and trailing slashes are ignored
   * @return the id of the cgroup, new or existing
   * @throws IllegalArgumentException if the path is not absolute
   */
  public synchronized long createCgroup(String path) {
    String normalized = normalize(path);
    Long existing = cgroupIds.get(normalized);
    if (existing != null) {
      return existing;
    }
    createCgroup(parentOf(normalized));
    long id = nextCgroupId++;
    cgroupIds.put(normalized, id);
    return id;
  }

  /**
   * {@return whether the cgroup exists}
   *
   * @param path the absolute cgroup path
   */
  public synchronized boolean cgroupExists(String path) {
    return cgroupIds.containsKey(normalize(path));
  }

  /**
   * {@return the id of an existing cgroup}
   *
   * @param path the absolute cgroup path
   * @throws NoSuchElementException if the cgroup does not exist
   */
  public synchronized long cgroupId(String path) {
    Long id = cgroupIds.get(normalize(path));
    if (id == null) {
      throw new NoSuchElementException("No cgroup " + path);
    }
    return id;
  }

  /**
   * {@return the ids of the cgroup and every cgroup below it; empty when it does not exist}
   *
   * @param path the absolute path of the subtree's top cgroup
   */
  public synchronized Set<Long> subtreeCgroupIds(String path) {
    Set<Long> ids = new TreeSet<>();
    for (Map.Entry<String, Long> entry : cgroupIds.entrySet()) {
      if (isWithin(entry.getKey(), normalize(path))) {
        ids.add(entry.getValue());
      }
    }
    return ids;
  }

  /**
   * {@return every process in the cgroup or below it, ascending; empty when it does not exist}
   *
   * @param path the absolute path of the subtree's top cgroup
   */
  public synchronized Set<Long> subtreePids(String path) {
    Set<Long> pids = new TreeSet<>();
    for (ModelProcess process : processes.values()) {
      if (isWithin(process.cgroup, normalize(path))) {
        pids.add(process.pid);
      }
    }
    return pids;
  }

  /**
   * Removes a cgroup and the cgroups below it. Removing one that does not exist is not an error.
   *
   * @param path the absolute path of the cgroup to remove; not the root
   * @throws IllegalStateException if a process lives in any of them
   * @throws IllegalArgumentException if the path is the root or is not absolute
   */
  public synchronized void removeCgroup(String path) {
    String normalized = normalize(path);
    if (normalized.equals("/")) {
      throw new IllegalArgumentException("The root cgroup cannot be removed");
    }
    if (!subtreePids(normalized).isEmpty()) {
      throw new IllegalStateException("Cgroup " + path + " still holds processes");
    }
    cgroupIds.keySet().removeIf(cgroup -> isWithin(cgroup, normalized));
  }

  /** {@return every cgroup path, sorted, the root {@code /} included} */
  public synchronized List<String> cgroups() {
    return List.copyOf(cgroupIds.keySet());
  }

  // ---- processes ----

  /**
   * Starts a process, holding no sockets, in an existing cgroup.
   *
   * @param cgroup the absolute path of the cgroup it lives in
   * @return its pid, one no process of this host has had
   * @throws NoSuchElementException if the cgroup does not exist
   */
  public synchronized long spawn(String cgroup) {
    String normalized = requireCgroup(cgroup);
    long pid = nextPid++;
    processes.put(pid, new ModelProcess(pid, normalized));
    return pid;
  }

  /**
   * Forks a process: the child lives in the parent's cgroup and holds the parent's sockets.
   *
   * @param parentPid the living process to fork
   * @return the child's pid
   * @throws NoSuchElementException if the parent is not alive
   */
  public synchronized long fork(long parentPid) {
    ModelProcess parent = process(parentPid);
    long pid = nextPid++;
    ModelProcess child = new ModelProcess(pid, parent.cgroup);
    child.inodes.addAll(parent.inodes);
    processes.put(pid, child);
    return pid;
  }

  /**
   * Moves a process to another existing cgroup; the sockets it holds keep their cgroup ids.
   *
   * @param pid the living process to move
   * @param cgroup the absolute path of the cgroup it moves to
   * @throws NoSuchElementException if the process is not alive or the cgroup does not exist
   */
  public synchronized void move(long pid, String cgroup) {
    process(pid).cgroup = requireCgroup(cgroup);
  }

  /**
   * Ends a process; sockets no other process holds disappear.
   *
   * @param pid the process to end; one that is not alive is left alone
   */
  public synchronized void exit(long pid) {
    ModelProcess process = processes.remove(pid);
    if (process != null) {
      exited++;
      process.inodes.forEach(this::dropIfUnheld);
    }
  }

  /**
   * {@return how many processes have exited so far} It grows as each one exits, as a reaper's count
   * of the children it reaped does.
   */
  public synchronized long exited() {
    return exited;
  }

  /**
   * {@return whether the process lives}
   *
   * @param pid the process to look for
   */
  public synchronized boolean isAlive(long pid) {
    return processes.containsKey(pid);
  }

  /**
   * {@return the path of the cgroup a living process is in}
   *
   * @param pid the living process
   * @throws NoSuchElementException if the process is not alive
   */
  public synchronized String cgroupOf(long pid) {
    return process(pid).cgroup;
  }

  /**
   * {@return the socket inodes a process holds; empty for a process that does not exist}
   *
   * @param pid the process whose descriptors are read
   */
  public synchronized Set<Long> inodesOf(long pid) {
    ModelProcess process = processes.get(pid);
    return process == null ? Set.of() : Set.copyOf(process.inodes);
  }

  /**
   * {@return every socket descriptor of every living process, each with its process's current
   * cgroup id, as {@link dev.portcullis.api.SocketSource#socketHolders()} reads a real host}
   *
   * @since 0.4
   */
  public synchronized SocketHolders socketHolders() {
    SocketHolders.Builder holders = SocketHolders.builder(processes.size());
    for (ModelProcess process : processes.values()) {
      long cgroupId = cgroupIds.get(process.cgroup);
      for (long inode : process.inodes) {
        holders.add(inode, process.pid, cgroupId);
      }
    }
    return holders.build();
  }

  /** {@return every living pid, ascending} */
  public synchronized List<Long> pids() {
    return List.copyOf(processes.keySet());
  }

  // ---- sockets ----

  /**
   * Opens a TCP listener on the IPv4 wildcard address, created and held by {@code pid}, as {@link
   * #listen(long, Protocol, AddressFamily, String, int)} does.
   *
   * @param pid the living process that listens; its current cgroup is the socket's creator
   * @param port the port listened on
   * @return the new socket
   * @throws NoSuchElementException if the process is not alive
   */
  public ListeningSocket listen(long pid, int port) {
    return listen(pid, Protocol.TCP, AddressFamily.IPV4, "0.0.0.0", port);
  }

  /**
   * Opens a listening socket in the process: it records the process's current cgroup as its creator
   * and is held by that process.
   *
   * @param pid the living process that listens
   * @param protocol the socket's protocol
   * @param family the socket's address family, as reported; not checked against {@code address}
   * @param address the literal address listened on, such as {@code 0.0.0.0} or {@code ::}
   * @param port the port listened on
   * @return the new socket, with an inode no other socket of this host has had, uid 0, and the id
   *     of the process's cgroup
   * @throws NoSuchElementException if the process is not alive
   * @throws IllegalArgumentException if {@code address} cannot be read as an address
   */
  public synchronized ListeningSocket listen(
      long pid, Protocol protocol, AddressFamily family, String address, int port) {
    ModelProcess process = process(pid);
    InetAddress inet;
    try {
      inet = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("Not a literal address: " + address, e);
    }
    ListeningSocket socket =
        ListeningSocket.builder()
            .family(family)
            .protocol(protocol)
            .address(inet)
            .port(port)
            .inode(nextInode++)
            .uid(0)
            .cgroupId(cgroupIds.get(process.cgroup))
            .build();
    sockets.put(socket.inode(), new Socket(socket));
    process.inodes.add(socket.inode());
    return socket;
  }

  /**
   * Gives another process a descriptor of the socket, as SCM_RIGHTS would.
   *
   * @param inode the inode of an existing socket
   * @param toPid the living process that holds it from now on, as well as its other holders
   * @throws NoSuchElementException if the socket or the process does not exist
   */
  public synchronized void pass(long inode, long toPid) {
    if (!sockets.containsKey(inode)) {
      throw new NoSuchElementException("No socket with inode " + inode);
    }
    process(toPid).inodes.add(inode);
  }

  /**
   * Closes the process's descriptor of the socket; the socket goes once no one holds it.
   *
   * @param pid the living process that closes its descriptor
   * @param inode the inode of the socket; closing one the process does not hold changes nothing
   * @throws NoSuchElementException if the process is not alive
   */
  public synchronized void close(long pid, long inode) {
    process(pid).inodes.remove(inode);
    dropIfUnheld(inode);
  }

  /**
   * {@return every listening socket of the given protocols, by ascending inode, as a socket source
   * would report them}
   *
   * @param protocols the protocols to report
   * @param withCgroupIds whether to keep each socket's creating cgroup id; without it, the sockets
   *     carry none
   */
  public synchronized List<ListeningSocket> listeningSockets(
      Set<Protocol> protocols, boolean withCgroupIds) {
    List<ListeningSocket> result = new ArrayList<>();
    for (Socket socket : sockets.values()) {
      if (protocols.contains(socket.socket.protocol())) {
        result.add(
            withCgroupIds
                ? socket.socket
                : ListeningSocket.builder()
                    .from(socket.socket)
                    .cgroupId(OptionalLong.empty())
                    .build());
      }
    }
    return result;
  }

  /**
   * {@return the socket with this inode, if it exists}
   *
   * @param inode the inode to look for
   */
  public synchronized Optional<ListeningSocket> socket(long inode) {
    return Optional.ofNullable(sockets.get(inode)).map(s -> s.socket);
  }

  /**
   * {@return the pids holding the socket, ascending; empty when it does not exist}
   *
   * @param inode the socket's inode
   */
  public synchronized Set<Long> holders(long inode) {
    Set<Long> holders = new TreeSet<>();
    for (ModelProcess process : processes.values()) {
      if (process.inodes.contains(inode)) {
        holders.add(process.pid);
      }
    }
    return Collections.unmodifiableSet(holders);
  }

  private void dropIfUnheld(long inode) {
    for (ModelProcess process : processes.values()) {
      if (process.inodes.contains(inode)) {
        return;
      }
    }
    sockets.remove(inode);
  }

  private ModelProcess process(long pid) {
    ModelProcess process = processes.get(pid);
    if (process == null) {
      throw new NoSuchElementException("No process " + pid);
    }
    return process;
  }

  private String requireCgroup(String path) {
    String normalized = normalize(path);
    if (!cgroupIds.containsKey(normalized)) {
      throw new NoSuchElementException("No cgroup " + path);
    }
    return normalized;
  }

  private static String normalize(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("Cgroup paths are absolute: " + path);
    }
    String trimmed = path.replaceAll("/+", "/");
    return trimmed.length() > 1 && trimmed.endsWith("/")
        ? trimmed.substring(0, trimmed.length() - 1)
        : trimmed;
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash == 0 ? "/" : path.substring(0, slash);
  }

  private static boolean isWithin(String cgroup, String ancestor) {
    return ancestor.equals("/") || cgroup.equals(ancestor) || cgroup.startsWith(ancestor + "/");
  }
}
