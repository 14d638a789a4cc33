package dev.portcullis.agent.sockets;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.SocketHolders;
import dev.portcullis.api.SocketSource;
import dev.portcullis.core.ProcessOwners;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One look at the host through the SPIs: every listening socket, the processes that hold it, and
 * the container those processes are in.
 *
 * <ol>
 *   <li>One snapshot from the socket source.
 *   <li>For every process on the host, the socket inodes it holds, matched to the snapshot. A
 *       process that exits meanwhile, or whose descriptors cannot be read, is skipped alone.
 *   <li>For every container the tracker finds, the processes in its subtree; a process in a nested
 *       container belongs to the deepest one, as the isolator attributes them ({@link
 *       ProcessOwners}).
 *   <li>A socket belongs to the container of its holders: of the lowest pid among those in a
 *       container, when they are in several.
 * </ol>
 */
final class SocketScan {

  private static final Logger LOG = LoggerFactory.getLogger(SocketScan.class);

  /** A scan that could not be made: the message says which step failed and why. */
  static final class ScanFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    ScanFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final SocketSource source;
  private final ProcessTracker tracker;
  private final Supplier<LongStream> hostPids;

  /**
   * @param hostPids every process on the host, asked once per scan
   */
  SocketScan(SocketSource source, ProcessTracker tracker, Supplier<LongStream> hostPids) {
    this.source = source;
    this.tracker = tracker;
    this.hostPids = hostPids;
  }

  /** A scan of this host's processes, as {@link ProcessHandle#allProcesses()} lists them. */
  static SocketScan ofHost(SocketSource source, ProcessTracker tracker) {
    return new SocketScan(
        source, tracker, () -> ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid));
  }

  /**
   * Scans once.
   *
   * @return every listening socket of the protocols, in {@link ScannedSocket#ORDER}
   * @throws ScanFailedException if the snapshot cannot be taken or the containers' cgroups cannot
   *     be read
   */
  List<ScannedSocket> scan(Set<Protocol> protocols) throws ScanFailedException {
    List<ListeningSocket> snapshot;
    try {
      snapshot = source.listeningSockets(protocols);
    } catch (IOException | RuntimeException e) {
      throw new ScanFailedException(
          "cannot take a snapshot of the listening sockets with the "
              + source.name()
              + " socket source: "
              + describe(e),
          e);
    }
    // The two longest steps read different trees, /proc and the cgroups, through different
    // providers: the containers are read on a thread of their own meanwhile.
    FutureTask<ProcessOwners> owning = new FutureTask<>(this::owners);
    Thread thread = new Thread(owning, "portcullis-scan-containers");
    thread.setDaemon(true);
    thread.start();
    Map<Long, SortedSet<Long>> holders = holders(snapshot);
    ProcessOwners owners = owners(owning);

    List<ScannedSocket> scanned = new ArrayList<>();
    for (ListeningSocket socket : snapshot) {
      SortedSet<Long> pids = holders.getOrDefault(socket.inode(), new TreeSet<>());
      Optional<ContainerId> container =
          pids.stream().map(owners::owner).flatMap(Optional::stream).findFirst();
      scanned.add(new ScannedSocket(socket, container, List.copyOf(pids)));
    }
    scanned.sort(ScannedSocket.ORDER);
    return scanned;
  }

  /**
   * The pids holding each socket of the snapshot, by inode: from one read of every process's
   * sockets where the source can, else from each process's descriptors.
   */
  private Map<Long, SortedSet<Long>> holders(List<ListeningSocket> snapshot) {
    Map<Long, SortedSet<Long>> holders = new HashMap<>();
    for (ListeningSocket socket : snapshot) {
      holders.put(socket.inode(), new TreeSet<>());
    }
    Optional<SocketHolders> all;
    try {
      all = source.socketHolders();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot read every process's sockets at once: {}", describe(e));
      all = Optional.empty();
    }
    if (all.isPresent()) {
      SocketHolders read = all.get();
      for (int i = 0; i < read.size(); i++) {
        SortedSet<Long> pids = holders.get(read.inode(i));
        if (pids != null) {
          pids.add(read.pid(i));
        }
      }
      return holders;
    }
    List<Long> unreadable = new ArrayList<>();
    for (long pid : hostPids.get().toArray()) {
      Set<Long> inodes;
      try {
        inodes = source.socketInodes(pid);
      } catch (IOException | RuntimeException e) {
        LOG.debug("Cannot read the descriptors of process {}: {}", pid, describe(e));
        unreadable.add(pid);
        continue;
      }
      for (long inode : inodes) {
        SortedSet<Long> pids = holders.get(inode);
        if (pids != null) {
          pids.add(pid);
        }
      }
    }
    if (!unreadable.isEmpty()) {
      LOG.warn(
          "Could not read the descriptors of {} process(es) (pid {}); a socket only they hold"
              + " shows no pid and no container",
          unreadable.size(),
          unreadable.stream().limit(5).map(String::valueOf).collect(Collectors.joining(", "))
              + (unreadable.size() > 5 ? ", ..." : ""));
    }
    return holders;
  }

  private static ProcessOwners owners(FutureTask<ProcessOwners> owning) throws ScanFailedException {
    try {
      return owning.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ScanFailedException("interrupted while reading the containers' cgroups", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ScanFailedException failed) {
        throw failed;
      }
      throw new ScanFailedException("cannot read the containers' cgroups: " + e.getCause(), e);
    }
  }

  /**
   * The deepest container of every process in a container, among all the tracker finds. Unlike a
   * scan's, this look fails as a whole when a container cannot be read: a table that silently
   * missed one would show its sockets as the host's.
   */
  private ProcessOwners owners() throws ScanFailedException {
    ProcessOwners owners;
    try {
      owners = ProcessOwners.of(tracker.containers(), tracker);
    } catch (IOException | RuntimeException e) {
      throw cgroupsUnreadable(e);
    }
    Optional<Exception> unreadable = owners.unreadable().values().stream().findFirst();
    if (unreadable.isPresent()) {
      throw cgroupsUnreadable(unreadable.get());
    }
    return owners;
  }

  private ScanFailedException cgroupsUnreadable(Exception e) {
    return new ScanFailedException(
        "cannot read the containers' cgroups with the "
            + tracker.name()
            + " process tracker: "
            + describe(e),
        e);
  }

  private static String describe(Exception e) {
    // A bare IOException's message is the whole story; a subclass's (NoSuchFileException: a path)
    // needs its name.
    return e.getClass() == IOException.class && e.getMessage() != null
        ? e.getMessage()
        : e.toString();
  }
}
