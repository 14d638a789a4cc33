package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Stability;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which container owns each process: the deepest of the given containers whose subtree holds it, so
 * that what a process holds is attributed to the nested container that runs it rather than to its
 * root. This is how a scan's exact path attributes sockets; a tool that shows a host uses it to
 * name the container behind a socket.
 *
 * <p>Read once, from the tracker, when made; immutable and thread-safe afterwards.
 *
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public final class ProcessOwners {

  /** Deepest first, so that the first container to claim a pid (or cgroup) is the most specific. */
  static final Comparator<ContainerId> DEEPEST_FIRST =
      Comparator.comparingInt(ContainerId::depth).reversed().thenComparing(ContainerId::toString);

  private final Map<Long, ContainerId> ownerByPid;
  private final Map<ContainerId, Exception> unreadable;

  private ProcessOwners(Map<Long, ContainerId> ownerByPid, Map<ContainerId, Exception> unreadable) {
    this.ownerByPid = Collections.unmodifiableMap(ownerByPid);
    this.unreadable = Collections.unmodifiableMap(unreadable);
  }

  /**
   * {@return the owners of the processes of {@code containers}, as {@code tracker} lists each one's
   * subtree} A container whose processes cannot be listed owns none and is kept in {@link
   * #unreadable()}; the others are not affected.
   *
   * @param containers the containers to attribute to; nested ones among them win over their
   *     ancestors
   * @param tracker lists each container's processes
   */
  public static ProcessOwners of(Collection<ContainerId> containers, ProcessTracker tracker) {
    Objects.requireNonNull(tracker, "tracker");
    List<ContainerId> sorted = new ArrayList<>(containers);
    sorted.sort(DEEPEST_FIRST);
    Map<Long, ContainerId> ownerByPid = new HashMap<>();
    Map<ContainerId, Exception> unreadable = new LinkedHashMap<>();
    for (ContainerId container : sorted) {
      try {
        for (long pid : tracker.pids(container)) {
          ownerByPid.putIfAbsent(pid, container);
        }
      } catch (IOException | RuntimeException e) {
        unreadable.put(container, e);
      }
    }
    return new ProcessOwners(ownerByPid, unreadable);
  }

  /**
   * {@return the container that owns the process; empty when none of the containers holds it}
   *
   * @param pid the process
   */
  public Optional<ContainerId> owner(long pid) {
    return Optional.ofNullable(ownerByPid.get(pid));
  }

  /** {@return every process some container owns, with its owner; potentially empty, never null} */
  public Map<Long, ContainerId> byPid() {
    return ownerByPid;
  }

  /**
   * {@return the containers whose processes could not be listed, each with what the tracker threw,
   * in the order they were read (deepest first); potentially empty, never null}
   */
  public Map<ContainerId, Exception> unreadable() {
    return unreadable;
  }
}
