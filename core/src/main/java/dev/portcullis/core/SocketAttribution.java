package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.SocketHolders;
import dev.portcullis.api.SocketSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which listening sockets belong to which containers: the two attribution paths of a scan.
 *
 * <p>A socket belongs to the deepest tracked container whose subtree holds it, so that a violation
 * names the nested container that caused it rather than its root: by cgroup id here, by the
 * processes that hold it through {@link ProcessOwners}.
 */
final class SocketAttribution {

  private static final Logger LOG = LoggerFactory.getLogger(SocketAttribution.class);

  private final Map<ContainerId, Map<Long, ListeningSocket>> socketsByContainer =
      new LinkedHashMap<>();
  private final Map<Long, Set<Long>> pidsByInode = new HashMap<>();

  /**
   * On the holders' path, where {@link #pidsByInode} comes from when first asked: the holders and
   * the indexes of their entries a container owns. A scan asks only for its violations' sockets,
   * usually none, so ten thousand pid sets are not made for every scan.
   */
  private SocketHolders pendingHolders;

  private int[] pendingEntries;
  private int pendingCount;
  private final Map<ContainerId, String> unreadable = new LinkedHashMap<>();

  /** The fast path's sockets whose cgroup id is no judged container's, by inode. */
  private final List<Long> unowned = new ArrayList<>();

  private SocketAttribution() {}

  /**
   * The fast path: each socket goes to the container whose cgroup subtree holds the cgroup that
   * created it. Costs one look-up per socket; the subtrees are walked only as {@link CgroupOwners}
   * says. Reads no descriptors, so it knows no pids.
   */
  static SocketAttribution byCgroupId(
      List<ContainerId> containers,
      List<ListeningSocket> sockets,
      ProcessTracker tracker,
      CgroupOwners cgroups) {
    SocketAttribution attribution = new SocketAttribution();
    CgroupOwners.Owned owned = cgroups.owners(containers, sockets, tracker);
    owned
        .unreadable()
        .forEach((container, e) -> attribution.markUnreadable(container, "cgroup ids", e));
    List<ContainerId> owners = owned.owners();
    for (int i = 0; i < owners.size(); i++) {
      ListeningSocket socket = sockets.get(i);
      ContainerId owner = owners.get(i);
      if (owner != null) {
        attribution.add(owner, socket);
      } else {
        attribution.unowned.add(socket.inode());
      }
    }
    return attribution;
  }

  /**
   * The exact path: the pids of each container, then the socket inodes each pid holds, matched
   * against the snapshot. A pid that vanished or cannot be read loses only itself.
   */
  static SocketAttribution byDescriptors(
      List<ContainerId> containers,
      Map<Long, ListeningSocket> socketsByInode,
      ProcessTracker tracker,
      SocketSource source) {
    SocketAttribution attribution = new SocketAttribution();
    ProcessOwners owners = ProcessOwners.of(containers, tracker);
    owners
        .unreadable()
        .forEach((container, e) -> attribution.markUnreadable(container, "processes", e));
    for (Map.Entry<Long, ContainerId> entry : owners.byPid().entrySet()) {
      long pid = entry.getKey();
      Set<Long> inodes;
      try {
        inodes = source.socketInodes(pid);
      } catch (IOException | RuntimeException e) {
        LOG.debug("Skipping pid {} of container {}: {}", pid, entry.getValue(), e.toString());
        continue;
      }
      for (long inode : inodes) {
        ListeningSocket socket = socketsByInode.get(inode);
        if (socket != null) {
          attribution.add(entry.getValue(), socket);
          attribution.pidsByInode.computeIfAbsent(inode, i -> new TreeSet<>()).add(pid);
        }
      }
    }
    return attribution;
  }

  /**
   * The exact path where the socket source reads every process's sockets at once: each in-scope
   * socket goes to the containers whose subtrees hold the cgroups of the processes that hold it, as
   * {@link CgroupOwners} maps those cgroups. What {@link #byDescriptors} learns from each
   * container's pids and each pid's descriptors, without reading either.
   */
  static SocketAttribution byHolders(
      List<ContainerId> containers,
      Map<Long, ListeningSocket> socketsByInode,
      SocketHolders holders,
      ProcessTracker tracker,
      CgroupOwners cgroups) {
    SocketAttribution attribution = new SocketAttribution();
    // Only the entries of in-scope sockets are looked up: most of a host's sockets are not.
    int[] entries = new int[holders.size()];
    int count = 0;
    for (int i = 0; i < holders.size(); i++) {
      if (socketsByInode.containsKey(holders.inode(i))) {
        entries[count++] = i;
      }
    }
    long[] ids = new long[count];
    for (int k = 0; k < count; k++) {
      ids[k] = holders.cgroupId(entries[k]);
    }
    CgroupOwners.Owned owned = cgroups.owners(containers, ids, CgroupOwners.Kind.HOLDERS, tracker);
    owned
        .unreadable()
        .forEach((container, e) -> attribution.markUnreadable(container, "cgroup ids", e));
    List<ContainerId> owners = owned.owners();
    int ownedCount = 0;
    for (int k = 0; k < count; k++) {
      ContainerId owner = owners.get(k);
      if (owner != null) {
        int i = entries[k];
        attribution.add(owner, socketsByInode.get(holders.inode(i)));
        entries[ownedCount++] = i;
      }
    }
    attribution.pendingHolders = holders;
    attribution.pendingEntries = entries;
    attribution.pendingCount = ownedCount;
    return attribution;
  }

  private void add(ContainerId container, ListeningSocket socket) {
    socketsByContainer
        .computeIfAbsent(container, c -> new LinkedHashMap<>())
        .putIfAbsent(socket.inode(), socket);
  }

  private void markUnreadable(ContainerId container, String what, Exception e) {
    String detail = "could not read its " + what + ": " + e.getMessage();
    LOG.warn("Container {} {}", container, detail);
    unreadable.put(container, detail);
  }

  /**
   * Replaces what this attribution says about {@code containers} with what {@code other} says: used
   * when the exact path re-examines the fast path's suspects.
   */
  void replace(List<ContainerId> containers, SocketAttribution other) {
    for (ContainerId container : containers) {
      socketsByContainer.remove(container);
      unreadable.remove(container);
      Map<Long, ListeningSocket> sockets = other.socketsByContainer.get(container);
      if (sockets != null) {
        socketsByContainer.put(container, sockets);
      }
      String detail = other.unreadable.get(container);
      if (detail != null) {
        unreadable.put(container, detail);
      }
    }
    other.resolvePids();
    resolvePids();
    pidsByInode.putAll(other.pidsByInode);
  }

  /** Fills {@link #pidsByInode} from the holders' entries, once. */
  private void resolvePids() {
    if (pendingHolders == null) {
      return;
    }
    for (int k = 0; k < pendingCount; k++) {
      int i = pendingEntries[k];
      pidsByInode
          .computeIfAbsent(pendingHolders.inode(i), n -> new TreeSet<>())
          .add(pendingHolders.pid(i));
    }
    pendingHolders = null;
    pendingEntries = null;
  }

  /** The inodes of the sockets some container holds (exact path) or created (fast path). */
  Set<Long> attributedInodes() {
    Set<Long> inodes = new HashSet<>();
    socketsByContainer.values().forEach(sockets -> inodes.addAll(sockets.keySet()));
    return inodes;
  }

  /**
   * The inodes of the sockets {@link #byCgroupId} gave to no container: held by the host, or by a
   * container whose process did not create them. Empty on the exact path.
   */
  List<Long> unowned() {
    return unowned;
  }

  /** The sockets attributed to a container, unmodifiable; empty when none. */
  Collection<ListeningSocket> sockets(ContainerId container) {
    Map<Long, ListeningSocket> sockets = socketsByContainer.get(container);
    return sockets == null ? List.of() : Collections.unmodifiableCollection(sockets.values());
  }

  /** The pids known to hold a socket; empty on the fast path. */
  Set<Long> pids(long inode) {
    resolvePids();
    return pidsByInode.getOrDefault(inode, Set.of());
  }

  /** Why the container could not be read, or null when it could. */
  String unreadable(ContainerId container) {
    return unreadable.get(container);
  }
}
