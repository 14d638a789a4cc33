package dev.portcullis.core;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers a {@link PortsIsolator} tracks, under one lock that is never held during I/O: the
 * lifecycle's checks and bookkeeping, and the live state a scan consults before it acts.
 * Thread-safe.
 */
final class TrackedContainers implements Scan.Tracking {

  /** The isolator's logger: these lines are the isolator's to an operator. */
  private static final Logger LOG = LoggerFactory.getLogger(PortsIsolator.class);

  private final Object lock = new Object();

  /**
   * In the order of the ids' text, which is the order a scan reports containers in: sorting an
   * already sorted list costs a scan one comparison per container, not a sort of thousands.
   */
  private final Map<ContainerId, TrackedContainer> containers = new TreeMap<>(Scan.BY_TEXT);

  /** Drops what the scans remember of a container; called under the lock, with the change. */
  private final Consumer<ContainerId> forget;

  TrackedContainers(Consumer<ContainerId> forget) {
    this.forget = forget;
  }

  /**
   * Tracks containers that ran before a restart, parents before their children, or none of them if
   * any entry is invalid.
   *
   * @return the containers, parents first
   * @throws IllegalArgumentException naming the first invalid entry
   */
  List<RecoveredContainer> recover(Collection<RecoveredContainer> recovered) {
    List<RecoveredContainer> ordered = new ArrayList<>(recovered);
    ordered.sort(Comparator.comparingInt(r -> r.id().depth()));
    synchronized (lock) {
      Set<ContainerId> seen = new HashSet<>();
      for (RecoveredContainer state : ordered) {
        ContainerId id = state.id();
        if (!seen.add(id) || containers.containsKey(id)) {
          throw new IllegalArgumentException(
              "Cannot recover container " + id + ": it is listed twice or already tracked");
        }
        Optional<ContainerId> parent = id.parent();
        if (parent.isPresent()
            && !seen.contains(parent.get())
            && !containers.containsKey(parent.get())) {
          throw new IllegalArgumentException(
              "Cannot recover nested container "
                  + id
                  + ": its parent "
                  + parent.get()
                  + " is neither recovered nor tracked");
        }
      }
      for (RecoveredContainer state : ordered) {
        track(state.id(), state.config());
      }
    }
    return ordered;
  }

  /**
   * Starts tracking a container.
   *
   * @throws IllegalStateException if it is already tracked, or is nested and its parent is not
   */
  void prepare(ContainerId id, ContainerConfig config) {
    synchronized (lock) {
      if (containers.containsKey(id)) {
        throw new IllegalStateException("Container " + id + " is already prepared");
      }
      Optional<ContainerId> parent = id.parent();
      if (parent.isPresent() && !containers.containsKey(parent.get())) {
        throw new IllegalStateException(
            "Cannot prepare nested container "
                + id
                + ": its parent "
                + parent.get()
                + " is not prepared");
      }
      track(id, Optional.of(config));
    }
  }

  /** Stops tracking a container that was just prepared and could not be guarded. */
  void untrack(ContainerId id) {
    synchronized (lock) {
      containers.remove(id);
    }
  }

  /** Whether a container gets a guard of its own: a top-level one on the host network. */
  boolean isGuarded(ContainerId id) {
    synchronized (lock) {
      TrackedContainer container = containers.get(id);
      return container != null && !id.isNested() && !container.ignored();
    }
  }

  /** Adds a container to the map; the caller holds the lock and has validated it. */
  private void track(ContainerId id, Optional<ContainerConfig> config) {
    boolean onNamedNetwork = config.map(ContainerConfig::onNamedNetwork).orElse(false);
    boolean parentIgnored = id.parent().map(p -> containers.get(p).ignored()).orElse(false);
    boolean ignored = onNamedNetwork || parentIgnored;
    Optional<PortRanges> allocation =
        id.isNested() ? Optional.empty() : config.map(ContainerConfig::ports);
    if (ignored) {
      LOG.info(
          "Container {} has its own network namespace ({}); its ports are not isolated",
          id,
          onNamedNetwork ? "networks " + config.get().networks() : "through its parent");
    } else if (id.isNested() && config.isPresent() && !config.get().ports().isEmpty()) {
      LOG.info(
          "Nested container {} carries ports {}; it is judged against its root {}'s allocation",
          id,
          config.get().ports(),
          id.root());
    }
    containers.put(id, new TrackedContainer(id, ignored, allocation));
  }

  /**
   * Replaces a top-level container's allocation, and what the scans remember of its tree.
   *
   * @return false, having logged why, for a nested or ignored container, which keeps none
   * @throws IllegalArgumentException if the container is not tracked
   */
  boolean allocate(ContainerId id, PortRanges ports) {
    synchronized (lock) {
      TrackedContainer container = containers.get(id);
      if (container == null) {
        throw new IllegalArgumentException("Cannot update unknown container " + id);
      }
      if (container.ignored() || id.isNested()) {
        LOG.info(
            "Ignoring ports {} for container {}: {}",
            ports,
            id,
            container.ignored()
                ? "it has its own network namespace"
                : "nested containers are judged against their root's allocation");
        return false;
      }
      container.allocate(ports);
      forget.accept(id);
      return true;
    }
  }

  /** A new watch of the container's limitation, as {@link PortsIsolator#watch} describes. */
  // The stage whenComplete returns is left alone on purpose: it fails exactly when the container's
  // limitation is cancelled at cleanup, which the callback turns into the watcher's cancellation,
  // and the callback itself cannot throw.
  @SuppressWarnings("FutureReturnValueIgnored")
  CompletionStage<ContainerLimitation> watch(ContainerId id) {
    synchronized (lock) {
      TrackedContainer container = containers.get(id);
      if (container == null) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException("Cannot watch unknown container " + id));
      }
      if (container.ignored()) {
        return new CompletableFuture<>();
      }
      CompletableFuture<ContainerLimitation> watcher = new CompletableFuture<>();
      container
          .limitation()
          .whenComplete(
              (limitation, failure) -> {
                if (failure == null) {
                  watcher.complete(limitation);
                } else {
                  // The only way the container's own future fails is its cancellation at cleanup.
                  watcher.cancel(false);
                }
              });
      return watcher;
    }
  }

  /**
   * Stops tracking a container and every container nested in it, cancelling their watches.
   *
   * @return the containers removed, deepest first; empty if none was tracked
   */
  List<ContainerId> remove(ContainerId id) {
    List<ContainerId> removed = new ArrayList<>();
    synchronized (lock) {
      containers
          .values()
          .removeIf(
              container -> {
                if (id.isAncestorOrSelfOf(container.id())) {
                  removed.add(container.id());
                  container.limitation().cancel(false);
                  return true;
                }
                return false;
              });
      removed.forEach(forget);
    }
    removed.sort(Comparator.comparingInt(ContainerId::depth).reversed());
    return removed;
  }

  /** The containers tracked now, sorted so that parents come before their children. */
  List<ContainerId> ids() {
    synchronized (lock) {
      List<ContainerId> ids = new ArrayList<>(containers.keySet());
      ids.sort(Comparator.comparing(ContainerId::toString));
      return ids;
    }
  }

  /** Every container as a scan sees it, frozen now. */
  List<ContainerView> views() {
    List<ContainerView> views = new ArrayList<>();
    synchronized (lock) {
      for (TrackedContainer container : containers.values()) {
        views.add(container.view());
      }
    }
    return views;
  }

  /** Whether the root is still tracked and not limited yet: whether acting on it is due. */
  boolean isLive(ContainerId root) {
    synchronized (lock) {
      TrackedContainer live = containers.get(root);
      return live != null && !live.isLimited();
    }
  }

  @Override
  public boolean isCurrent(ContainerView root) {
    synchronized (lock) {
      TrackedContainer live = containers.get(root.id());
      return live != null && !live.isLimited() && live.view().equals(root);
    }
  }

  @Override
  public boolean raise(ContainerLimitation limitation) {
    synchronized (lock) {
      TrackedContainer root = containers.get(limitation.container());
      return root != null && root.limitation().complete(limitation);
    }
  }
}
