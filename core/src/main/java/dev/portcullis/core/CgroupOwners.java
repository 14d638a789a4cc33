package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.ProcessTracker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which container each cgroup id belongs to, for the fast path, kept from scan to scan: the deepest
 * judged container whose cgroup subtree holds it.
 *
 * <p>Walking every container's subtree costs a few {@code lstat}s per container, which at a
 * thousand containers cost a scan more than the socket dump itself. So a container's subtree is
 * walked when it is first judged, and all of them again only when a socket names a cgroup id that
 * is neither known to a container nor known to be outside all of them. This is exact, because the
 * kernel never reuses a cgroup id and a cgroup v2 directory never moves: an id seen once inside a
 * container's subtree stays there for as long as it exists, and a cgroup made in a subtree since
 * its walk has an id no walk has seen, which makes the next socket it creates start a walk of all.
 * An id found outside every subtree at such a walk stays outside until a container is judged whose
 * subtree holds it (an adopted cgroup that existed before): that container's own walk takes it
 * back.
 *
 * <p>Called by one scanning thread at a time.
 */
final class CgroupOwners {

  /** What the cache answered for one scan's sockets. */
  record Owned(Map<Long, ContainerId> ownerByCgroupId, Map<ContainerId, Exception> unreadable) {}

  private final Map<ContainerId, Set<Long>> walked = new HashMap<>();
  private Set<Long> outside = new HashSet<>();
  private Map<Long, ContainerId> owners;
  private long fullWalks;

  /**
   * The owners of the sockets' cgroup ids among {@code judged}, walking only the containers judged
   * since the last call, or all of them when a socket names a cgroup id not seen before.
   */
  Owned owners(List<ContainerId> judged, List<ListeningSocket> sockets, ProcessTracker tracker) {
    Map<ContainerId, Exception> unreadable = new HashMap<>();
    sync(judged, tracker, unreadable);
    if (hasUnseen(sockets)) {
      walked.clear();
      owners = null;
      unreadable.clear();
      fullWalks++;
      sync(judged, tracker, unreadable);
      Set<Long> seenOutside = new HashSet<>();
      for (ListeningSocket socket : sockets) {
        OptionalLong id = socket.cgroupId();
        if (id.isPresent() && !owners().containsKey(id.getAsLong())) {
          seenOutside.add(id.getAsLong());
        }
      }
      outside = seenOutside;
    } else {
      // Kept to the ids sockets still name, so that it cannot grow without bound.
      Set<Long> stillOutside = new HashSet<>();
      for (ListeningSocket socket : sockets) {
        OptionalLong id = socket.cgroupId();
        if (id.isPresent() && outside.contains(id.getAsLong())) {
          stillOutside.add(id.getAsLong());
        }
      }
      outside = stillOutside;
    }
    return new Owned(owners(), unreadable);
  }

  /** How many times every subtree was walked again because a socket named an unseen cgroup id. */
  long fullWalks() {
    return fullWalks;
  }

  /** Forgets containers no longer judged; walks the newly judged ones. */
  private void sync(
      List<ContainerId> judged, ProcessTracker tracker, Map<ContainerId, Exception> unreadable) {
    if (walked.size() > judged.size() || !walked.keySet().containsAll(judged)) {
      Set<ContainerId> current = new HashSet<>(judged);
      if (walked.keySet().retainAll(current)) {
        owners = null;
      }
      for (ContainerId container : judged) {
        if (walked.containsKey(container)) {
          continue;
        }
        try {
          Set<Long> ids = Set.copyOf(tracker.cgroupIds(container));
          walked.put(container, ids);
          outside.removeAll(ids);
          owners = null;
        } catch (IOException | RuntimeException e) {
          // Not kept: it is walked again at the next scan, and is unreadable until then.
          unreadable.put(container, e);
        }
      }
    }
  }

  private boolean hasUnseen(List<ListeningSocket> sockets) {
    Map<Long, ContainerId> known = owners();
    for (ListeningSocket socket : sockets) {
      OptionalLong id = socket.cgroupId();
      if (id.isPresent()
          && !known.containsKey(id.getAsLong())
          && !outside.contains(id.getAsLong())) {
        return true;
      }
    }
    return false;
  }

  private Map<Long, ContainerId> owners() {
    if (owners == null) {
      List<ContainerId> deepestFirst = new ArrayList<>(walked.keySet());
      deepestFirst.sort(ProcessOwners.DEEPEST_FIRST);
      Map<Long, ContainerId> built = new HashMap<>();
      for (ContainerId container : deepestFirst) {
        for (long id : walked.get(container)) {
          built.putIfAbsent(id, container);
        }
      }
      owners = built;
    }
    return owners;
  }
}
