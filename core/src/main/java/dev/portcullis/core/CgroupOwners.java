package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.ProcessTracker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which container each cgroup id belongs to, kept from scan to scan: the deepest judged container
 * whose cgroup subtree holds it.
 *
 * <p>Walking every container's subtree costs a few {@code lstat}s per container, which at a
 * thousand containers cost a scan more than the socket dump itself. So a container's subtree is
 * walked when it is first judged, and all of them again only when a socket names a cgroup id that
 * is neither known to a container nor known to be outside all of them. This is exact, because the
 * kernel never reuses a cgroup id and a cgroup v2 directory never moves: an id seen once inside a
 * container's subtree stays there for as long as it exists, and a cgroup made in a subtree since
 * its walk has an id no walk has seen, which makes the next socket it creates start a walk of all.
 * An id found outside every subtree at such a walk stays outside until a container is judged whose
 * subtree holds it (an adopted cgroup that existed before): that container's own walk finds it, and
 * an owner always wins over the ids known to be outside.
 *
 * <p>The same cache answers for the cgroups of the processes that hold sockets, on the exact path:
 * a process's cgroup is as fixed as a socket's, except that the process may move, and then it is in
 * a cgroup whose id is looked up anew. Each {@link Kind} of id keeps its own ids known to be
 * outside, which a walk of all for one kind leaves valid for the other: an id outside every walked
 * subtree stays outside, and a container judged since is walked, and wins.
 *
 * <p>Called by one scanning thread at a time.
 */
final class CgroupOwners {

  /**
   * What the cache answered for one scan's ids.
   *
   * @param owners each id's owner, at the id's index; null for an id outside every judged
   *     container, or for {@link #NO_ID}
   * @param unreadable the containers whose subtree could not be walked, with why
   */
  record Owned(List<ContainerId> owners, Map<ContainerId, Exception> unreadable) {}

  /** In an id array, a place with no cgroup id: a socket the kernel gave none. */
  static final long NO_ID = 0;

  /**
   * Whose cgroup ids are asked about. Each kind keeps its own ids known to be outside every
   * container, so that asking about one kind never makes the other's look unseen: the cgroups that
   * created the host's sockets are few, the cgroups of every process holding one are more.
   */
  enum Kind {
    /** The cgroups that created sockets, as the dump reports them. */
    CREATORS,
    /** The cgroups of the processes that hold sockets, as {@code socketHolders} reads them. */
    HOLDERS
  }

  private final Map<ContainerId, Set<Long>> walked = new HashMap<>();
  private final Map<Kind, Set<Long>> outside = new EnumMap<>(Kind.class);
  private LongMap<ContainerId> owners;

  /**
   * The owners of the sockets' creating cgroups: {@link #owners(List, long[], Kind,
   * ProcessTracker)}.
   */
  Owned owners(List<ContainerId> judged, List<ListeningSocket> sockets, ProcessTracker tracker) {
    long[] ids = new long[sockets.size()];
    for (int i = 0; i < ids.length; i++) {
      OptionalLong id = sockets.get(i).cgroupId();
      ids[i] = id.isPresent() ? id.getAsLong() : NO_ID;
    }
    return owners(judged, ids, Kind.CREATORS, tracker);
  }

  /**
   * The owners of the cgroup ids among {@code judged}, walking only the containers judged since the
   * last call, or all of them when an id is neither any container's nor known to be outside.
   */
  Owned owners(List<ContainerId> judged, long[] ids, Kind kind, ProcessTracker tracker) {
    Map<ContainerId, Exception> unreadable = new HashMap<>();
    sync(judged, tracker, unreadable);
    Set<Long> known = outside.getOrDefault(kind, Set.of());
    ContainerId[] found = new ContainerId[ids.length];
    int outsideSeen = look(ids, found, known, true);
    if (outsideSeen < 0) {
      walked.clear();
      owners = null;
      unreadable.clear();
      sync(judged, tracker, unreadable);
      look(ids, found, Set.of(), false);
      outside.put(kind, unowned(ids, found));
    } else if (known.size() > 2 * outsideSeen + 16) {
      // Kept to about the ids still asked about, so that it cannot grow without bound.
      outside.put(kind, unowned(ids, found));
    }
    // A view, not a copy: it may hold nulls, and only the scan that asked reads it.
    return new Owned(Arrays.asList(found), unreadable);
  }

  /** The ids {@code found} gives no owner. */
  private static Set<Long> unowned(long[] ids, ContainerId[] found) {
    Set<Long> unowned = new HashSet<>();
    for (int i = 0; i < found.length; i++) {
      if (found[i] == null && ids[i] != NO_ID) {
        unowned.add(ids[i]);
      }
    }
    return unowned;
  }

  /**
   * Fills in each id's owner; returns how many ids were known to be outside, or, if {@code
   * stopAtUnseen}, -1 as soon as one is neither owned nor known to be outside.
   */
  private int look(long[] ids, ContainerId[] found, Set<Long> known, boolean stopAtUnseen) {
    LongMap<ContainerId> byId = owners();
    int outsideSeen = 0;
    for (int i = 0; i < found.length; i++) {
      if (ids[i] == NO_ID) {
        found[i] = null;
        continue;
      }
      found[i] = byId.get(ids[i]);
      if (found[i] == null) {
        if (!known.contains(ids[i])) {
          if (stopAtUnseen) {
            return -1;
          }
        } else {
          outsideSeen++;
        }
      }
    }
    return outsideSeen;
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
          owners = null;
        } catch (IOException | RuntimeException e) {
          // Not kept: it is walked again at the next scan, and is unreadable until then.
          unreadable.put(container, e);
        }
      }
    }
  }

  private LongMap<ContainerId> owners() {
    if (owners == null) {
      List<ContainerId> deepestFirst = new ArrayList<>(walked.keySet());
      deepestFirst.sort(ProcessOwners.DEEPEST_FIRST);
      LongMap<ContainerId> built = new LongMap<>();
      for (ContainerId container : deepestFirst) {
        for (long id : walked.get(container)) {
          built.putIfAbsent(id, container);
        }
      }
      owners = built;
    }
    return owners;
  }

  /**
   * A map from {@code long} to values, open-addressed: a scan looks up one cgroup id per socket,
   * ten thousand of them, and a {@code HashMap<Long, V>} boxes every key it is asked for.
   */
  private static final class LongMap<V> {
    private long[] keys = new long[64];
    private Object[] values = new Object[64];
    private int size;

    @SuppressWarnings("unchecked")
    V get(long key) {
      int mask = keys.length - 1;
      for (int i = slot(key, mask); values[i] != null; i = (i + 1) & mask) {
        if (keys[i] == key) {
          return (V) values[i];
        }
      }
      return null;
    }

    void putIfAbsent(long key, V value) {
      if (2 * (size + 1) > keys.length) {
        grow();
      }
      int mask = keys.length - 1;
      int i = slot(key, mask);
      while (values[i] != null) {
        if (keys[i] == key) {
          return;
        }
        i = (i + 1) & mask;
      }
      keys[i] = key;
      values[i] = value;
      size++;
    }

    private void grow() {
      long[] oldKeys = keys;
      Object[] oldValues = values;
      keys = new long[oldKeys.length * 2];
      values = new Object[oldValues.length * 2];
      size = 0;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldValues[i] != null) {
          @SuppressWarnings("unchecked")
          V value = (V) oldValues[i];
          putIfAbsent(oldKeys[i], value);
        }
      }
    }

    private static int slot(long key, int mask) {
      long mixed = key * 0x9E3779B97F4A7C15L;
      return (int) (mixed ^ (mixed >>> 32)) & mask;
    }
  }
}
