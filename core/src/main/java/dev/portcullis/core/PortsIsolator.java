package dev.portcullis.core;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.SocketSource;
import dev.portcullis.core.format.Durations;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelectionException;
import dev.portcullis.core.providers.ProviderSelector;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network ports isolator: tracks containers through the Mesos isolator lifecycle and, at a
 * fixed delay, scans the host for containers listening on ports they were not allocated.
 *
 * <p>Lifecycle methods ({@link #recover}, {@link #prepare}, {@link #update}, {@link #watch},
 * {@link #cleanup}) may be called from any thread. Scans run one at a time, on the scheduler's
 * thread after {@link #start()}, or on the caller's thread with {@link #reconcileOnce()}.
 *
 * <p>Differences from Mesos, all deliberate:
 *
 * <ul>
 *   <li>a nested container that carries its own resources is accepted; like every nested
 *       container it is judged against its root's allocation;
 *   <li>a container on a named network gets a watch that never completes, instead of a failed
 *       one (which made Mesos destroy it);
 *   <li>{@link #recover} can take a known allocation, so a restarted host enforces from its first
 *       scan;
 *   <li>the log-once memory is per offending container and starts afresh when the container is
 *       seen clean or its root's allocation changes;
 *   <li>a kill verdict kills the root's tree through the {@link ProcessTracker} before the
 *       limitation is raised, so no offending process outlives the limitation;
 *   <li>with a {@link PortGuard}, the kernel refuses a bind to an unallocated port in the first
 *       place: {@link #prepare} installs the guard on a top-level container before the launcher
 *       places a process in it, {@link #update} changes what it allows, {@link #recover} finds it
 *       again (and repairs it), {@link #cleanup} removes it. Nested containers are covered by
 *       their root's guard; containers on named networks get none. Scans go on as the backstop
 *       for what no bind check sees.
 * </ul>
 *
 * @since 0.1
 */
public final class PortsIsolator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PortsIsolator.class);

  private final IsolatorConfig config;
  private final ProcessTracker tracker;
  private final EnforcementPolicy policy;
  private final ScanScheduler scheduler;
  private final Scan scan;
  private final List<Consumer<ScanReport>> listeners;
  private final Optional<GuardKeeper> guard;

  /** Guards {@link #containers}; never held during I/O. */
  private final Object lock = new Object();

  private final Map<ContainerId, TrackedContainer> containers = new HashMap<>();

  /** Serializes scans: scheduled ones and {@link #reconcileOnce()} never overlap. */
  private final ReentrantLock scanLock = new ReentrantLock();

  private ScanScheduler.Cancellable scheduled;
  private boolean closed;

  private PortsIsolator(Builder builder) {
    this.config = Objects.requireNonNull(builder.config, "config");
    SocketSource source = Objects.requireNonNull(builder.socketSource, "socketSource");
    this.tracker = Objects.requireNonNull(builder.processTracker, "processTracker");
    this.policy = Objects.requireNonNull(builder.policy, "policy");
    this.scheduler = builder.scheduler != null ? builder.scheduler : ScanScheduler.singleThread();
    Clock clock = builder.clock != null ? builder.clock : Clock.systemUTC();
    this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
    this.scan = new Scan(config, source, tracker, policy, clock);
    GuardRules rules = new GuardRules(config);
    this.guard = Optional.ofNullable(builder.portGuard).map(g -> new GuardKeeper(g, rules));
    guard.ifPresent(keeper -> LOG.info("{}", keeper.describe()));
  }

  /** A builder; the configuration and the three providers are required, a port guard optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configuration this isolator runs with. */
  public IsolatorConfig config() {
    return config;
  }

  /** The name of the port guard this isolator installs; empty when it has none. */
  public Optional<String> guardName() {
    return guard.map(GuardKeeper::name);
  }

  /**
   * Starts scanning: the first scan one watch interval from now, then one interval after each
   * scan ends. A scan that fails is logged and the next one runs as planned.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("The isolator is closed");
      }
      if (scheduled != null) {
        throw new IllegalStateException("The isolator is already started");
      }
      scheduled =
          scheduler.scheduleWithFixedDelay(
              this::scheduledScan, config.watchInterval(), config.watchInterval());
    }
    LOG.info(
        "Scanning for unallocated ports every {}", Durations.format(config.watchInterval()));
  }

  private void scheduledScan() {
    try {
      reconcileOnce();
    } catch (ScanFailedException e) {
      LOG.warn("Scan failed, will retry at the next interval: {}", e.getMessage(), e.getCause());
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      // A scheduled executor silently stops a periodic task that throws: never let it.
      LOG.error("Scan failed unexpectedly, will retry at the next interval", e);
    }
  }

  /**
   * Takes back containers that ran before a restart. Containers with a known configuration are
   * judged from the next scan; the others once {@link #update} gives their allocation. Nested
   * containers may be listed in any order, but each one's parent must be listed or already
   * tracked. Nothing is recovered if any entry is invalid.
   *
   * @throws IllegalArgumentException naming the first invalid entry: a duplicate, an already
   *     tracked container, or a nested container without its parent
   */
  public void recover(Collection<RecoveredContainer> recovered) {
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
              "Cannot recover nested container " + id + ": its parent " + parent.get()
                  + " is neither recovered nor tracked");
        }
      }
      for (RecoveredContainer state : ordered) {
        track(state.id(), state.config());
      }
    }
    guard.ifPresent(
        keeper -> {
          for (RecoveredContainer state : ordered) {
            if (isGuarded(state.id())) {
              keeper.recover(state.id(), state.config().map(ContainerConfig::ports));
            }
          }
        });
    for (RecoveredContainer state : ordered) {
      state.config().ifPresent(config -> notifyPolicy("prepared", () -> policy.prepared(state.id(), config)));
    }
    LOG.info("Recovered {} container(s)", ordered.size());
  }

  /**
   * Starts tracking a container. A top-level container is judged against {@code config.ports()}
   * from the next scan. A nested container is judged against its root's allocation; its own
   * ports, if any, are accepted and not used. A container on a named network is ignored.
   *
   * <p>With a port guard, a top-level container's guard is installed before this method returns:
   * call it before the container's first process joins its cgroup.
   *
   * @throws IllegalStateException if the container is already tracked, or is nested and its
   *     parent is not
   * @throws PortGuardException if the guard could not be installed; the container is not tracked
   */
  public void prepare(ContainerId id, ContainerConfig config) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(config, "config");
    synchronized (lock) {
      if (containers.containsKey(id)) {
        throw new IllegalStateException("Container " + id + " is already prepared");
      }
      Optional<ContainerId> parent = id.parent();
      if (parent.isPresent() && !containers.containsKey(parent.get())) {
        throw new IllegalStateException(
            "Cannot prepare nested container " + id + ": its parent " + parent.get()
                + " is not prepared");
      }
      track(id, Optional.of(config));
    }
    if (guard.isPresent() && isGuarded(id)) {
      try {
        guard.get().install(id, config.ports());
      } catch (PortGuardException e) {
        synchronized (lock) {
          containers.remove(id);
        }
        throw e;
      }
    }
    notifyPolicy("prepared", () -> policy.prepared(id, config));
  }

  /** Whether a container gets a guard of its own: a top-level one on the host network. */
  private boolean isGuarded(ContainerId id) {
    synchronized (lock) {
      TrackedContainer container = containers.get(id);
      return container != null && !id.isNested() && !container.ignored();
    }
  }

  /** Adds a container to the map; the caller holds the lock and has validated it. */
  private void track(ContainerId id, Optional<ContainerConfig> config) {
    boolean onNamedNetwork = config.map(ContainerConfig::onNamedNetwork).orElse(false);
    boolean parentIgnored =
        id.parent().map(p -> containers.get(p).ignored()).orElse(false);
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
   * Replaces a top-level container's allocation; {@code ports} empty means no ports. The memory of
   * earlier violations in its tree starts afresh. A container recovered without an allocation is
   * judged from the next scan. Updating a nested or ignored container changes nothing and is
   * logged. With a port guard, the guard allows the new ports before this method returns.
   *
   * @throws IllegalArgumentException if the container is not tracked
   * @throws PortGuardException if the guard could not be changed: scans judge the new allocation,
   *     but the kernel still refuses and allows by the old one
   */
  public void update(ContainerId id, PortRanges ports) {
    Objects.requireNonNull(ports, "ports");
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
        return;
      }
      container.allocate(ports);
      scan.forget(id);
    }
    notifyPolicy("updated", () -> policy.updated(id, ports));
    guard.ifPresent(keeper -> keeper.update(id, ports));
  }

  /**
   * The limitation of a container: completes when a scan kills the container's tree for
   * listening on unallocated ports; cancelled if the container is cleaned up first. For nested
   * containers and containers on named networks, it never completes: limitations are raised on
   * roots, and ignored containers are never limited.
   *
   * <p>Each call returns a new stage; completing or cancelling it affects no other watcher.
   *
   * @return a failed stage if the container is not tracked
   */
  public CompletionStage<ContainerLimitation> watch(ContainerId id) {
    synchronized (lock) {
      TrackedContainer container = containers.get(id);
      if (container == null) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException("Cannot watch unknown container " + id));
      }
      if (container.ignored() || id.isNested()) {
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
                  // The only way the root's own future fails is its cancellation at cleanup.
                  watcher.cancel(false);
                }
              });
      return watcher;
    }
  }

  /**
   * Stops tracking a container and every container nested in it. Pending watches of them are
   * cancelled. Cleaning up an unknown container does nothing. The cgroups are not touched: they
   * belong to whoever launched the container.
   */
  public void cleanup(ContainerId id) {
    List<ContainerId> removed = new ArrayList<>();
    synchronized (lock) {
      containers.values().removeIf(
          container -> {
            if (id.isAncestorOrSelfOf(container.id())) {
              removed.add(container.id());
              container.limitation().cancel(false);
              return true;
            }
            return false;
          });
      removed.forEach(scan::forget);
    }
    if (removed.isEmpty()) {
      LOG.debug("Ignoring cleanup of unknown container {}", id);
      return;
    }
    removed.sort(Comparator.comparingInt(ContainerId::depth).reversed());
    for (ContainerId container : removed) {
      notifyPolicy("cleanedUp", () -> policy.cleanedUp(container));
    }
    if (!id.isNested()) {
      guard.ifPresent(keeper -> keeper.remove(id));
    }
  }

  /** The containers tracked now, sorted so that parents come before their children. */
  public List<ContainerId> trackedContainers() {
    synchronized (lock) {
      List<ContainerId> ids = new ArrayList<>(containers.keySet());
      ids.sort(Comparator.comparing(ContainerId::toString));
      return ids;
    }
  }

  /**
   * Runs one scan now, on this thread, waiting for a scheduled scan under way to finish first.
   * Enforces exactly as a scheduled scan does.
   *
   * @return what the scan saw and did; never null
   * @throws ScanFailedException if the host's sockets could not be listed; nothing was judged
   */
  public ScanReport reconcileOnce() {
    scanLock.lock();
    try {
      List<ContainerView> snapshot = new ArrayList<>();
      synchronized (lock) {
        for (TrackedContainer container : containers.values()) {
          snapshot.add(container.view());
        }
      }
      ScanReport report = scan.run(snapshot, tracking);
      if (guard.isPresent()) {
        GuardKeeper.Observation seen = guard.get().observe();
        report = report.withGuards(seen.refusals(), limitStopped(seen.stopped()));
      }
      for (Consumer<ScanReport> listener : listeners) {
        try {
          listener.accept(report);
        } catch (RuntimeException e) {
          LOG.error("A scan listener failed", e);
        }
      }
      return report;
    } finally {
      scanLock.unlock();
    }
  }

  /**
   * A listener the guard stopped is a violation the kernel caught first: with enforcement on, its
   * root is killed and limited as a scan would have done, naming the listener's port; off, it is
   * only logged (the guard logged it). The caller holds the scan lock.
   */
  private List<ContainerLimitation> limitStopped(Map<ContainerId, PortRanges> stopped) {
    List<ContainerLimitation> raised = new ArrayList<>();
    for (Map.Entry<ContainerId, PortRanges> entry : stopped.entrySet()) {
      ContainerId root = entry.getKey();
      String message =
          "Container "
              + root
              + " is listening on unallocated port(s): "
              + entry.getValue()
              + " (its port guard stopped the listener)";
      if (!config.enforceContainerPorts()) {
        LOG.warn("{}; not killing it: --enforce_container_ports is off", message);
        continue;
      }
      synchronized (lock) {
        TrackedContainer live = containers.get(root);
        if (live == null || live.isLimited()) {
          continue;
        }
      }
      LOG.warn("{}; killing container {} and everything in it", message, root);
      try {
        tracker.kill(root);
      } catch (IOException | RuntimeException e) {
        LOG.error("Could not kill every process of container {}: {}", root, e.getMessage(), e);
      }
      ContainerLimitation limitation =
          ContainerLimitation.builder()
              .container(root)
              .ports(entry.getValue())
              .message(message)
              .build();
      if (tracking.raise(limitation)) {
        raised.add(limitation);
      }
    }
    return raised;
  }

  /**
   * Reads every port guard now and acts on the listeners they stopped, as after a scan, without
   * scanning: a launcher that sees a task's process die calls this before it settles how the task
   * ended, so that a process the guard killed is reported with its limitation (raised on its
   * root's watch). Does nothing without a guard.
   *
   * @return what each guarded root's guard has refused so far, as {@link
   *     ScanReport#guardRefusals()} would hold it; empty without a guard; never null
   */
  public Map<ContainerId, GuardRefusals> checkGuards() {
    if (guard.isEmpty()) {
      return Map.of();
    }
    scanLock.lock();
    try {
      GuardKeeper.Observation seen = guard.get().observe();
      limitStopped(seen.stopped());
      return seen.refusals();
    } finally {
      scanLock.unlock();
    }
  }

  /** The scan's view of the live containers, always consulted under the lock. */
  private final Scan.Tracking tracking =
      new Scan.Tracking() {
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
      };

  /** Adds a listener that receives every scan's report, on the scanning thread. */
  public void addScanListener(Consumer<ScanReport> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void notifyPolicy(String hook, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.error("Enforcement policy {} failed in {}", policy.name(), hook, e);
    }
  }

  /** Stops scheduled scans and the scheduler. Tracked containers are left as they are. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (scheduled != null) {
        scheduled.cancel();
      }
    }
    scheduler.close();
  }

  /** Builds a {@link PortsIsolator}. */
  public static final class Builder {
    private IsolatorConfig config;
    private SocketSource socketSource;
    private ProcessTracker processTracker;
    private EnforcementPolicy policy;
    private PortGuard portGuard;
    private ScanScheduler scheduler;
    private Clock clock;
    private final List<Consumer<ScanReport>> listeners = new ArrayList<>();

    private Builder() {}

    /** The configuration; required. */
    public Builder config(IsolatorConfig config) {
      this.config = config;
      return this;
    }

    /** The socket source; required. */
    public Builder socketSource(SocketSource socketSource) {
      this.socketSource = socketSource;
      return this;
    }

    /** The process tracker; required. */
    public Builder processTracker(ProcessTracker processTracker) {
      this.processTracker = processTracker;
      return this;
    }

    /** The enforcement policy; required. */
    public Builder policy(EnforcementPolicy policy) {
      this.policy = policy;
      return this;
    }

    /**
     * The port guard; optional. Without one, nothing is refused in the kernel and only scans
     * enforce, as in Mesos.
     */
    public Builder portGuard(PortGuard portGuard) {
      this.portGuard = portGuard;
      return this;
    }

    /**
     * Selects, through {@code loader}, each provider not set yet: the one the configuration names
     * ({@code --socket_source}, {@code --process_tracker}, {@code --container_ports_policy}, or
     * their system properties), else the best available. Each selected provider is initialized
     * with the configuration's provider settings. A port guard is selected only when the
     * configuration names one ({@code --container_ports_guard}), and must then be available. Call
     * after {@link #config}.
     *
     * @throws IllegalStateException if no configuration was set yet
     * @throws ProviderSelectionException if a provider cannot be selected; the message lists every
     *     provider found and why it was not chosen
     */
    public Builder selectProviders(ProviderLoader loader) {
      if (config == null) {
        throw new IllegalStateException("Set the configuration before selecting providers");
      }
      ProviderSettings settings = config.providerSettings();
      if (socketSource == null) {
        socketSource =
            ProviderSelector.select(
                    SocketSource.class, config.socketSourceName(), settings, loader)
                .provider();
      }
      if (processTracker == null) {
        processTracker =
            ProviderSelector.select(
                    ProcessTracker.class, config.processTrackerName(), settings, loader)
                .provider();
      }
      if (policy == null) {
        policy =
            ProviderSelector.select(
                    EnforcementPolicy.class, config.policyName(), settings, loader)
                .provider();
      }
      if (portGuard == null && config.guardName().isPresent()) {
        portGuard =
            ProviderSelector.select(PortGuard.class, config.guardName(), settings, loader)
                .provider();
      }
      return this;
    }

    /** The scheduler for {@link #start()}; by default one daemon thread. */
    public Builder scheduler(ScanScheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** The clock that stamps scan reports; by default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** A listener that receives every scan's report, on the scanning thread. */
    public Builder onScan(Consumer<ScanReport> listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The isolator, not yet started.
     *
     * @throws NullPointerException if a required part is missing
     */
    public PortsIsolator build() {
      return new PortsIsolator(this);
    }
  }
}
