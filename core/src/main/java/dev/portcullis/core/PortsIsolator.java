package dev.portcullis.core;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.SocketSource;
import dev.portcullis.api.Stability;
import dev.portcullis.core.config.IsolatorConfig;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>Lifecycle methods ({@link #recover}, {@link #prepare}, {@link #update}, {@link #watch}, {@link
 * #cleanup}) may be called from any thread. Scans run one at a time, on the scheduler's thread
 * after {@link #start()}, or on the caller's thread with {@link #reconcileOnce()}.
 *
 * <p>Differences from Mesos, all deliberate:
 *
 * <ul>
 *   <li>a nested container that carries its own resources is accepted; like every nested container
 *       it is judged against its root's allocation;
 *   <li>a container on a named network gets a watch that never completes, instead of a failed one
 *       (which made Mesos destroy it);
 *   <li>{@link #recover} can take a known allocation, so a restarted host enforces from its first
 *       scan;
 *   <li>the log-once memory is per offending container and starts afresh when the container is seen
 *       clean or its root's allocation changes;
 *   <li>a kill verdict kills the root's tree through the {@link ProcessTracker} before the
 *       limitation is raised, so no offending process outlives the limitation; {@link
 *       PortsIsolatorBuilder#beforeKill before-kill listeners} hear of the limitation before the
 *       kill, so that its owner can record it where a crash cannot lose it;
 *   <li>with a {@link PortGuard}, the kernel refuses a bind to an unallocated port in the first
 *       place: {@link #prepare} installs the guard on a top-level container before the launcher
 *       places a process in it, {@link #update} changes what it allows, {@link #recover} finds it
 *       again (and repairs it), {@link #cleanup} removes it. Nested containers are covered by their
 *       root's guard; containers on named networks get none. Scans go on as the backstop for what
 *       no bind check sees.
 * </ul>
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class PortsIsolator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PortsIsolator.class);

  private final IsolatorConfig config;
  private final EnforcementPolicy policy;
  private final Scan scan;
  private final List<Consumer<ScanReport>> listeners;
  private final Optional<GuardKeeper> guard;
  private final TrackedContainers containers;
  private final StoppedListeners stopped;

  private final ScanLoop loop;

  /** Serializes scans: scheduled ones and {@link #reconcileOnce()} never overlap. */
  private final ReentrantLock scanLock = new ReentrantLock();

  PortsIsolator(PortsIsolatorBuilder builder) {
    this.config = Objects.requireNonNull(builder.config, "config");
    SocketSource source = Objects.requireNonNull(builder.socketSource, "socketSource");
    ProcessTracker tracker = Objects.requireNonNull(builder.processTracker, "processTracker");
    this.policy = Objects.requireNonNull(builder.policy, "policy");
    this.loop =
        new ScanLoop(
            builder.scheduler != null ? builder.scheduler : ScanScheduler.singleThread(),
            config.watchInterval(),
            this::reconcileOnce);
    Clock clock = builder.clock != null ? builder.clock : Clock.systemUTC();
    this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
    KillNotices notices = new KillNotices(builder.killListeners);
    this.scan = new Scan(config, source, tracker, policy, clock, notices);
    this.containers = new TrackedContainers(scan::forget);
    this.stopped =
        new StoppedListeners(config.enforceContainerPorts(), tracker, containers, notices);
    GuardRules rules = new GuardRules(config);
    this.guard = Optional.ofNullable(builder.portGuard).map(g -> new GuardKeeper(g, rules));
    guard.ifPresent(keeper -> LOG.info("{}", keeper.describe()));
  }

  /**
   * {@return a builder; the configuration and the three providers are required, a port guard
   * optional}
   */
  public static PortsIsolatorBuilder builder() {
    return new PortsIsolatorBuilder();
  }

  /** {@return the configuration this isolator runs with} */
  public IsolatorConfig config() {
    return config;
  }

  /**
   * {@return the name of the port guard this isolator installs; empty when it has none}
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public Optional<String> guardName() {
    return guard.map(GuardKeeper::name);
  }

  /**
   * {@return whether this isolator can guard a container whose cgroup another engine made: true
   * without a port guard, which has nothing to follow, or with one that {@linkplain
   * PortGuard#adoptsCgroups() adopts cgroups}}
   *
   * @since 0.3
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public boolean guardsAdoptedCgroups() {
    return guard.map(GuardKeeper::adoptsCgroups).orElse(true);
  }

  /**
   * Has the port guard, if there is one, act on the cgroup another engine made for a top-level
   * container (see {@link PortGuard#adopt}), before the container is {@linkplain #prepare prepared}
   * or {@linkplain #recover recovered}; the process tracker is told the same by its caller. Without
   * a guard there is nothing to do: the tracker alone finds the container's processes.
   *
   * @param id a top-level container
   * @param cgroup the cgroup, from the unified hierarchy's root
   * @throws PortGuardException if the guard cannot follow the cgroup
   * @throws UnsupportedOperationException if the guard cannot follow cgroups outside its root: see
   *     {@link #guardsAdoptedCgroups()}
   * @since 0.3
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public void adopt(ContainerId id, String cgroup) {
    guard.ifPresent(keeper -> keeper.adopt(id, cgroup));
  }

  /**
   * Starts scanning: the first scan one watch interval from now, then one interval after each scan
   * ends. A scan that fails is logged and the next one runs as planned.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    loop.start();
  }

  /**
   * Takes back containers that ran before a restart. Containers with a known configuration are
   * judged from the next scan; the others once {@link #update} gives their allocation. Nested
   * containers may be listed in any order, but each one's parent must be listed or already tracked.
   * Nothing is recovered if any entry is invalid.
   *
   * @param recovered every container that was running, in any order
   * @throws IllegalArgumentException naming the first invalid entry: a duplicate, an already
   *     tracked container, or a nested container without its parent
   */
  public void recover(Collection<RecoveredContainer> recovered) {
    List<RecoveredContainer> ordered = containers.recover(recovered);
    guard.ifPresent(
        keeper -> {
          for (RecoveredContainer state : ordered) {
            if (containers.isGuarded(state.id())) {
              keeper.recover(state.id(), state.config().map(ContainerConfig::ports));
            }
          }
        });
    for (RecoveredContainer state : ordered) {
      state
          .config()
          .ifPresent(config -> notifyPolicy("prepared", () -> policy.prepared(state.id(), config)));
    }
    LOG.info("Recovered {} container(s)", ordered.size());
  }

  /**
   * Starts tracking a container. A top-level container is judged against {@code config.ports()}
   * from the next scan. A nested container is judged against its root's allocation; its own ports,
   * if any, are accepted and not used. A container on a named network is ignored.
   *
   * <p>With a port guard, a top-level container's guard is installed before this method returns:
   * call it before the container's first process joins its cgroup.
   *
   * @param id the container to track
   * @param config its allocation and networks
   * @throws IllegalStateException if the container is already tracked, or is nested and its parent
   *     is not
   * @throws PortGuardException if the guard could not be installed; the container is not tracked
   */
  public void prepare(ContainerId id, ContainerConfig config) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(config, "config");
    containers.prepare(id, config);
    if (guard.isPresent() && containers.isGuarded(id)) {
      try {
        guard.get().install(id, config.ports());
      } catch (PortGuardException e) {
        containers.untrack(id);
        throw e;
      }
    }
    notifyPolicy("prepared", () -> policy.prepared(id, config));
  }

  /**
   * Replaces a top-level container's allocation; {@code ports} empty means no ports. The memory of
   * earlier violations in its tree starts afresh. A container recovered without an allocation is
   * judged from the next scan. Updating a nested or ignored container changes nothing and is
   * logged. With a port guard, the guard allows the new ports before this method returns.
   *
   * @param id the top-level container
   * @param ports its allocation from now on
   * @throws IllegalArgumentException if the container is not tracked
   * @throws PortGuardException if the guard could not be changed: scans judge the new allocation,
   *     but the kernel still refuses and allows by the old one
   */
  public void update(ContainerId id, PortRanges ports) {
    Objects.requireNonNull(ports, "ports");
    if (!containers.allocate(id, ports)) {
      return;
    }
    notifyPolicy("updated", () -> policy.updated(id, ports));
    guard.ifPresent(keeper -> keeper.update(id, ports));
  }

  /**
   * The limitation of a container: completes when a scan kills the container's tree for listening
   * on unallocated ports; cancelled if the container is cleaned up first. A root's completes when
   * its tree is killed for a violation anywhere in it ({@link dev.portcullis.api.KillScope#ROOT});
   * a nested container's only when it is killed alone for its own violation, or one in a container
   * nested in it ({@link dev.portcullis.api.KillScope#OFFENDER}). For containers on named networks
   * it never completes: ignored containers are never limited.
   *
   * <p>Each call returns a new stage; completing or cancelling it affects no other watcher.
   *
   * @param id the tracked container
   * @return a failed stage if the container is not tracked
   */
  public CompletionStage<ContainerLimitation> watch(ContainerId id) {
    return containers.watch(id);
  }

  /**
   * Stops tracking a container and every container nested in it. Pending watches of them are
   * cancelled. Cleaning up an unknown container does nothing. The cgroups are not touched: they
   * belong to whoever launched the container.
   *
   * @param id the container to stop tracking
   */
  public void cleanup(ContainerId id) {
    List<ContainerId> removed = containers.remove(id);
    if (removed.isEmpty()) {
      LOG.debug("Ignoring cleanup of unknown container {}", id);
      return;
    }
    for (ContainerId container : removed) {
      notifyPolicy("cleanedUp", () -> policy.cleanedUp(container));
    }
    if (!id.isNested()) {
      guard.ifPresent(keeper -> keeper.remove(id));
    }
  }

  /** {@return the containers tracked now, sorted so that parents come before their children} */
  public List<ContainerId> trackedContainers() {
    return containers.ids();
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
      ScanReport report = scan.run(containers.views(), containers);
      if (guard.isPresent()) {
        GuardKeeper.Observation seen = guard.get().observe();
        report = report.withGuards(seen.refusals(), stopped.limit(seen.stopped()));
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
   * Reads every port guard now and acts on the listeners they stopped, as after a scan, without
   * scanning: a launcher that sees a task's process die calls this before it settles how the task
   * ended, so that a process the guard killed is reported with its limitation (raised on its root's
   * watch). Does nothing without a guard.
   *
   * @return what each guarded root's guard has refused so far, as {@link
   *     ScanReport#guardRefusals()} would hold it; empty without a guard; never null
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public Map<ContainerId, GuardRefusals> checkGuards() {
    if (guard.isEmpty()) {
      return Map.of();
    }
    scanLock.lock();
    try {
      GuardKeeper.Observation seen = guard.get().observe();
      stopped.limit(seen.stopped());
      return seen.refusals();
    } finally {
      scanLock.unlock();
    }
  }

  /**
   * Adds a listener that receives every scan's report, on the scanning thread.
   *
   * @param listener told of each report; not null
   */
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
    loop.close();
  }
}
