package dev.portcullis.testkit;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A whole host state to build on a {@link HostModel}: containers (roots with allocations, nested
 * containers below them), what each one listens on, listeners that belong to no container, and
 * sockets passed from one container to another.
 *
 * <p>It is also the oracle for properties: {@link #unallocated} says, from the scenario alone,
 * which ports a correct isolator must flag for a container.
 *
 * @param containers every container, each nested one after its parent
 * @param hostListeners listeners opened by a process outside every container
 * @param transfers sockets created in one container and handed to another
 * @since 0.1
 */
public record HostScenario(
    List<ContainerSpec> containers, List<Listener> hostListeners, List<Transfer> transfers) {

  /** The cgroup that host processes outside every container live in. */
  public static final String HOST_CGROUP = "/system.slice/host";

  /**
   * Checks that ids are unique, that every nested container follows its parent, and that every
   * transfer is between containers of the scenario; copies the lists.
   *
   * @param containers every container, each nested one after its parent
   * @param hostListeners listeners opened by a process outside every container
   * @param transfers sockets created in one container and handed to another
   * @throws IllegalArgumentException if an id repeats, a nested container comes before its parent,
   *     or a transfer names a container the scenario lacks
   */
  public HostScenario {
    containers = List.copyOf(containers);
    hostListeners = List.copyOf(hostListeners);
    transfers = List.copyOf(transfers);
    Set<ContainerId> seen = new java.util.HashSet<>();
    for (ContainerSpec spec : containers) {
      if (spec.id().isNested() && !seen.contains(spec.id().parent().get())) {
        throw new IllegalArgumentException(spec.id() + " comes before its parent");
      }
      if (!seen.add(spec.id())) {
        throw new IllegalArgumentException("Container " + spec.id() + " appears twice");
      }
    }
    for (Transfer transfer : transfers) {
      if (!seen.contains(transfer.from()) || !seen.contains(transfer.to())) {
        throw new IllegalArgumentException("Transfer between unknown containers: " + transfer);
      }
    }
  }

  /**
   * One socket to open.
   *
   * @param protocol TCP (listening) or UDP (bound)
   * @param family the address family
   * @param address a literal address of that family, wildcard or not
   * @param port the port
   */
  public record Listener(Protocol protocol, AddressFamily family, String address, int port) {

    /**
     * {@return a TCP listener on the IPv4 wildcard}
     *
     * @param port the port listened on
     */
    public static Listener tcp(int port) {
      return new Listener(Protocol.TCP, AddressFamily.IPV4, "0.0.0.0", port);
    }

    @Override
    public String toString() {
      return protocol.name().toLowerCase(java.util.Locale.ROOT) + " " + address + ":" + port;
    }
  }

  /**
   * One container.
   *
   * @param id its id; nested ids name their parent
   * @param allocation its allocated ports: used for roots; nested containers carry it too, and a
   *     correct isolator ignores it
   * @param listeners what its main process listens on
   * @param forkedListeners what a forked child of its main process listens on
   */
  public record ContainerSpec(
      ContainerId id,
      PortRanges allocation,
      List<Listener> listeners,
      List<Listener> forkedListeners) {

    /**
     * Copies the lists.
     *
     * @param id its id; nested ids name their parent
     * @param allocation its allocated ports: used for roots; nested containers carry it too, and a
     *     correct isolator ignores it
     * @param listeners what its main process listens on
     * @param forkedListeners what a forked child of its main process listens on; when empty, no
     *     child is forked
     */
    public ContainerSpec {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(allocation, "allocation");
      listeners = List.copyOf(listeners);
      forkedListeners = List.copyOf(forkedListeners);
    }

    /** {@return the configuration to prepare this container with: its allocation as its ports} */
    public ContainerConfig config() {
      return ContainerConfig.withPorts(allocation);
    }
  }

  /**
   * A socket opened by a process of {@code from}, passed to the main process of {@code to}, and
   * then closed in {@code from}: it carries {@code from}'s cgroup id but is held only by {@code
   * to}.
   *
   * @param from the creating container
   * @param to the holding container
   * @param listener the socket
   */
  public record Transfer(ContainerId from, ContainerId to, Listener listener) {}

  /** {@return the top-level containers, in scenario order} */
  public List<ContainerSpec> roots() {
    return containers.stream().filter(c -> !c.id().isNested()).collect(Collectors.toList());
  }

  /**
   * {@return the spec of a container}
   *
   * @param id the container's id
   * @throws IllegalArgumentException if the scenario has no such container
   */
  public ContainerSpec spec(ContainerId id) {
    return containers.stream()
        .filter(c -> c.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No container " + id));
  }

  /** {@return whether some socket is held by a container other than the one that created it} */
  public boolean hasTransfers() {
    return transfers.stream().anyMatch(t -> !t.from().equals(t.to()));
  }

  /**
   * Builds this scenario on the host: one cgroup per container (through the tracker, so the layout
   * is the tracker's), a main process in each, forked children, host listeners in {@link
   * #HOST_CGROUP}, and the transfers.
   *
   * @param host the host to build on
   * @param tracker a tracker over {@code host}, which creates the containers' cgroups
   * @return each container's processes, main process first, in scenario order
   * @throws UncheckedIOException if the tracker cannot create a cgroup or place a process
   */
  public Map<ContainerId, List<Long>> applyTo(HostModel host, FakeProcessTracker tracker) {
    Map<ContainerId, List<Long>> pids = new LinkedHashMap<>();
    try {
      for (ContainerSpec spec : containers) {
        tracker.create(spec.id());
        long main = host.spawn("/");
        tracker.place(spec.id(), main);
        List<Long> processes = new ArrayList<>(List.of(main));
        for (Listener listener : spec.listeners()) {
          open(host, main, listener);
        }
        if (!spec.forkedListeners().isEmpty()) {
          long child = host.fork(main);
          processes.add(child);
          for (Listener listener : spec.forkedListeners()) {
            open(host, child, listener);
          }
        }
        pids.put(spec.id(), processes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    host.createCgroup(HOST_CGROUP);
    long hostProcess = host.spawn(HOST_CGROUP);
    hostListeners.forEach(listener -> open(host, hostProcess, listener));
    for (Transfer transfer : transfers) {
      long creator = pids.get(transfer.from()).get(0);
      long holder = pids.get(transfer.to()).get(0);
      long inode = open(host, creator, transfer.listener());
      host.pass(inode, holder);
      if (creator != holder) {
        host.close(creator, inode);
      }
    }
    return pids;
  }

  private static long open(HostModel host, long pid, Listener listener) {
    return host.listen(
            pid, listener.protocol(), listener.family(), listener.address(), listener.port())
        .inode();
  }

  /**
   * {@return the ports a container's own processes listen on (not its nested containers'), by
   * holder — the truth the exact path sees}
   *
   * <p>A socket counts for the container whose process holds it: a transferred socket counts for
   * the container it was passed to, not the one that created it.
   *
   * @param id the container's id
   * @param protocols the protocols whose sockets count
   * @param scope the ports checked at all, as {@link
   *     dev.portcullis.core.config.IsolatorConfig#scope()}; empty for every port
   * @throws IllegalArgumentException if the scenario has no such container
   */
  public PortRanges listening(ContainerId id, Set<Protocol> protocols, Optional<PortRanges> scope) {
    ContainerSpec spec = spec(id);
    List<Listener> held = new ArrayList<>(spec.listeners());
    held.addAll(spec.forkedListeners());
    transfers.stream().filter(t -> t.to().equals(id)).forEach(t -> held.add(t.listener()));
    PortRanges ports =
        PortRanges.of(
            held.stream()
                .filter(l -> protocols.contains(l.protocol()))
                .map(Listener::port)
                .collect(Collectors.toList()));
    return scope.map(ports::intersect).orElse(ports);
  }

  /**
   * {@return the ports a correct isolator flags for this container: those {@link #listening} finds,
   * less the ones allocated to its root}
   *
   * @param id the container's id
   * @param protocols the protocols whose sockets count
   * @param scope the ports checked at all, as {@link
   *     dev.portcullis.core.config.IsolatorConfig#scope()}; empty for every port
   * @throws IllegalArgumentException if the scenario has no such container
   */
  public PortRanges unallocated(
      ContainerId id, Set<Protocol> protocols, Optional<PortRanges> scope) {
    return listening(id, protocols, scope).minus(spec(id.root()).allocation());
  }

  /**
   * {@return the containers a correct isolator flags, in scenario order: those with {@link
   * #unallocated} ports}
   *
   * @param protocols the protocols whose sockets count
   * @param scope the ports checked at all, as {@link
   *     dev.portcullis.core.config.IsolatorConfig#scope()}; empty for every port
   */
  public List<ContainerId> violators(Set<Protocol> protocols, Optional<PortRanges> scope) {
    return containers.stream()
        .map(ContainerSpec::id)
        .filter(id -> !unallocated(id, protocols, scope).isEmpty())
        .collect(Collectors.toList());
  }

  /**
   * {@return the containers sorted parents first, as the isolator wants them prepared: by depth,
   * and in scenario order within a depth}
   */
  public List<ContainerSpec> inPreparationOrder() {
    List<ContainerSpec> sorted = new ArrayList<>(containers);
    sorted.sort(Comparator.comparingInt(c -> c.id().depth()));
    return sorted;
  }
}
