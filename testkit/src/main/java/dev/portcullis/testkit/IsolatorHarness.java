package dev.portcullis.testkit;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Violation;
import dev.portcullis.core.EnforcementAction;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.RecoveredContainer;
import dev.portcullis.core.ScanReport;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.policy.MesosPolicy;
import dev.portcullis.testkit.IsolatorEvent.Kind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Drives a real {@link PortsIsolator} over an in-memory {@link HostModel}, scan by scan, and
 * records what it does — violations, logs, limitations and kills — for fluent assertions.
 *
 * <pre>{@code
 * IsolatorHarness harness =
 *     IsolatorHarness.builder().flags(Map.of("enforce_container_ports", "true")).build();
 * ContainerId task = ContainerId.of("task");
 * harness.prepare(task, ContainerConfig.withPorts(PortRanges.of(8080)));
 * long pid = harness.spawn(task);
 * harness.host().listen(pid, 9090);
 * harness.scan();
 * harness.events().limitations().of(task).assertCount(1).assertPorts(PortRanges.of(9090));
 * }</pre>
 *
 * <p>Every container prepared or recovered through the harness is watched, nested ones too (they
 * are limited when a kill verdict of the {@link dev.portcullis.api.KillScope#OFFENDER offender}
 * scope kills them alone); a limitation is recorded in the scan that raised it. Scans run on the
 * caller's thread through {@link PortsIsolator#reconcileOnce()}; nothing sleeps.
 *
 * @since 0.1
 */
public final class IsolatorHarness implements AutoCloseable {

  private final HostModel host;
  private final FakeSocketSource socketSource;
  private final FakeProcessTracker tracker;
  private final Optional<FakePortGuard> guard;
  private final PortsIsolator isolator;
  private final ManualScanScheduler scheduler = new ManualScanScheduler();
  private final List<IsolatorEvent> events = new ArrayList<>();
  private final List<ScanReport> reports = new ArrayList<>();
  private int killsSeen;
  private long scansRun;

  private IsolatorHarness(Builder builder) {
    this.host = builder.host;
    this.socketSource = new FakeSocketSource(host, builder.cgroupIds, builder.socketHolders);
    this.tracker = new FakeProcessTracker(host, FakeProcessTracker.DEFAULT_ROOT, builder.cgroupIds);
    this.guard = builder.guardState.map(state -> new FakePortGuard(host, tracker, state));
    this.isolator =
        PortsIsolator.builder()
            .config(builder.config)
            .socketSource(socketSource)
            .processTracker(tracker)
            .policy(builder.policy)
            .portGuard(guard.orElse(null))
            .scheduler(scheduler)
            .clock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
            .onScan(this::record)
            .beforeKill(builder.beforeKill)
            .build();
  }

  /**
   * {@return a builder: by default a fresh host, no flags, the {@code mesos} policy, no port guard,
   * and the fast path available}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return a harness with the given flags and otherwise the defaults}
   *
   * @param flags Mesos-style flags, names without {@code --}, to their values
   * @throws dev.portcullis.core.config.FlagException if a flag is bad or flags conflict
   */
  public static IsolatorHarness withFlags(Map<String, String> flags) {
    return builder().flags(flags).build();
  }

  /** {@return the in-memory host the fake providers report} */
  public HostModel host() {
    return host;
  }

  /** {@return the fake socket source the isolator reads} */
  public FakeSocketSource socketSource() {
    return socketSource;
  }

  /** {@return the fake process tracker the isolator kills through} */
  public FakeProcessTracker tracker() {
    return tracker;
  }

  /** {@return the port guard, when the harness was built with one} */
  public Optional<FakePortGuard> guard() {
    return guard;
  }

  /** {@return the isolator under test} */
  public PortsIsolator isolator() {
    return isolator;
  }

  /** {@return the scheduler, for tests of {@link PortsIsolator#start()} on virtual time} */
  public ManualScanScheduler scheduler() {
    return scheduler;
  }

  /**
   * Creates the container's cgroup, prepares it and watches it.
   *
   * @param container the container; its cgroup, and its ancestors' for a nested one, are created
   *     where missing
   * @param config its allocation and networks, as {@link PortsIsolator#prepare} takes them
   * @return this harness
   * @throws IllegalStateException if the container is already tracked, or is nested and its parent
   *     is not
   */
  public IsolatorHarness prepare(ContainerId container, ContainerConfig config) {
    createCgroup(container);
    isolator.prepare(container, config);
    watch(container);
    return this;
  }

  /**
   * Builds the scenario on the host and prepares every container with its allocation, parents
   * first, watching each one.
   *
   * @param scenario the host state to build, through this harness's tracker
   * @return this harness
   */
  public IsolatorHarness build(HostScenario scenario) {
    scenario.applyTo(host, tracker);
    for (HostScenario.ContainerSpec spec : scenario.inPreparationOrder()) {
      isolator.prepare(spec.id(), spec.config());
      watch(spec.id());
    }
    return this;
  }

  /**
   * Recovers containers, as after a restart, and watches them.
   *
   * @param containers every container that was running, as {@link PortsIsolator#recover} takes
   *     them; their cgroups are created where missing
   * @return this harness
   * @throws IllegalArgumentException if an entry is invalid; nothing is recovered
   */
  public IsolatorHarness recover(Collection<RecoveredContainer> containers) {
    for (RecoveredContainer container : containers) {
      createCgroup(container.id());
    }
    isolator.recover(containers);
    containers.forEach(c -> watch(c.id()));
    return this;
  }

  /**
   * Replaces a root's allocation, as {@link PortsIsolator#update} does.
   *
   * @param container the top-level container
   * @param ports its allocation from now on
   * @return this harness
   * @throws IllegalArgumentException if the container is not tracked
   */
  public IsolatorHarness update(ContainerId container, PortRanges ports) {
    isolator.update(container, ports);
    return this;
  }

  /**
   * Cleans up a container, as {@link PortsIsolator#cleanup} does: it and the containers nested in
   * it are no longer tracked, and their pending watches are cancelled; their cgroups and processes
   * stay on the host.
   *
   * @param container the container to stop tracking; an unknown one changes nothing
   * @return this harness
   */
  public IsolatorHarness cleanup(ContainerId container) {
    isolator.cleanup(container);
    return this;
  }

  /**
   * Starts a process, holding no sockets, inside the container's cgroup.
   *
   * @param container a container whose cgroup exists
   * @return the process's pid
   * @throws java.util.NoSuchElementException if the container's cgroup does not exist
   */
  public long spawn(ContainerId container) {
    return host.spawn(tracker.cgroupOf(container));
  }

  /**
   * Starts a process in the container that binds a TCP wildcard port and listens, unless the port
   * guard refuses the bind (then the process stays, without a socket).
   *
   * @param container a container whose cgroup exists
   * @param port the port the process names in its bind
   * @return the process's pid if it listens; empty if the guard refused the bind
   */
  public Optional<Long> tryListen(ContainerId container, int port) {
    long pid = spawn(container);
    if (guard.isPresent() && !guard.get().bind(container, port)) {
      return Optional.empty();
    }
    host.listen(pid, port);
    return Optional.of(pid);
  }

  /**
   * Starts a process in the container and has it listen on a TCP wildcard port; no port guard is
   * asked, as if the socket had been bound before the guard was installed.
   *
   * @param container a container whose cgroup exists
   * @param port the port listened on
   * @return the process's pid
   */
  public long listen(ContainerId container, int port) {
    long pid = spawn(container);
    host.listen(pid, port);
    return pid;
  }

  private void createCgroup(ContainerId container) {
    for (ContainerId id : container.lineage()) {
      host.createCgroup(tracker.cgroupOf(id));
    }
  }

  private void watch(ContainerId container) {
    isolator
        .watch(container)
        .thenAccept(
            limitation -> {
              synchronized (events) {
                events.add(limitationEvent(limitation));
              }
            });
  }

  private IsolatorEvent limitationEvent(ContainerLimitation limitation) {
    // Limitations complete during a scan, before its report is recorded: the scan under way.
    return new IsolatorEvent(
        Kind.LIMITATION,
        scansRun + 1,
        limitation.container(),
        limitation.ports(),
        limitation.message());
  }

  /**
   * Runs one scan now, on this thread, and returns its report; the events it causes are recorded.
   *
   * @return what the scan saw and did
   * @throws dev.portcullis.core.ScanFailedException if the host's sockets could not be listed, as
   *     after {@link FakeSocketSource#failNextSnapshot}
   */
  public ScanReport scan() {
    return isolator.reconcileOnce();
  }

  /**
   * Runs {@code count} scans, one after another, and returns their reports.
   *
   * @param count how many scans to run
   * @return the reports, in order
   * @throws dev.portcullis.core.ScanFailedException if a scan could not list the host's sockets;
   *     the scans after it do not run
   */
  public List<ScanReport> scans(int count) {
    List<ScanReport> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(scan());
    }
    return list;
  }

  private void record(ScanReport report) {
    synchronized (events) {
      scansRun = report.scan();
      reports.add(report);
      for (Violation violation : report.violations()) {
        events.add(
            new IsolatorEvent(
                Kind.VIOLATION, report.scan(), violation.container(), violation.unallocated(), ""));
      }
      for (EnforcementAction action : report.actions()) {
        if (action.logged()) {
          Violation violation = action.violation();
          events.add(
              new IsolatorEvent(
                  Kind.LOG,
                  report.scan(),
                  violation.container(),
                  violation.unallocated(),
                  action.verdict().message()));
        }
      }
      List<FakeProcessTracker.Kill> kills = tracker.kills();
      for (FakeProcessTracker.Kill kill : kills.subList(killsSeen, kills.size())) {
        events.add(
            new IsolatorEvent(Kind.KILL, report.scan(), kill.container(), PortRanges.empty(), ""));
      }
      killsSeen = kills.size();
    }
  }

  /**
   * {@return every event recorded so far, in the order recorded, as a view to filter and assert on;
   * events recorded later do not join it}
   */
  public IsolatorEvents events() {
    synchronized (events) {
      return new IsolatorEvents(events, "events");
    }
  }

  /** {@return every scan report so far, in order} */
  public List<ScanReport> reports() {
    synchronized (events) {
      return List.copyOf(reports);
    }
  }

  /** {@return the latest scan report, if a scan ran} */
  public Optional<ScanReport> lastReport() {
    synchronized (events) {
      return reports.isEmpty() ? Optional.empty() : Optional.of(reports.get(reports.size() - 1));
    }
  }

  /** Closes the isolator. */
  @Override
  public void close() {
    isolator.close();
  }

  /** Builds an {@link IsolatorHarness}. */
  public static final class Builder {
    private HostModel host = new HostModel();
    private IsolatorConfig config = IsolatorConfig.fromFlags(Map.of());
    private EnforcementPolicy policy = new MesosPolicy();
    private boolean cgroupIds = true;
    private boolean socketHolders;
    private Optional<FakePortGuard.State> guardState = Optional.empty();
    private Consumer<ContainerLimitation> beforeKill = limitation -> {};

    private Builder() {}

    /**
     * Hears of each limitation before the isolator kills for it, as {@link
     * dev.portcullis.core.PortsIsolatorBuilder#beforeKill} does; by default nobody does.
     *
     * @param listener told of each limitation before its kill; not null
     * @return this builder
     */
    public Builder beforeKill(Consumer<ContainerLimitation> listener) {
      this.beforeKill = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Gives the isolator a {@link FakePortGuard} over {@code state}: a fresh {@link
     * FakePortGuard.State} for a new host, or one from an earlier harness to model a restart with
     * the guards still in place.
     *
     * @param state the guards the harness's guard reads and changes; not null
     * @return this builder
     */
    public Builder guard(FakePortGuard.State state) {
      this.guardState = Optional.of(Objects.requireNonNull(state, "state"));
      return this;
    }

    /**
     * Whether the socket source reads every process's sockets at once, with their cgroups, as the
     * netlink source's BPF iterator does, so that exact scans attribute by the holders' cgroups;
     * false by default, so that they read each process's descriptors.
     *
     * @param socketHolders whether {@link FakeSocketSource#socketHolders()} answers
     * @return this builder
     * @since 0.4
     */
    public Builder socketHolders(boolean socketHolders) {
      this.socketHolders = socketHolders;
      return this;
    }

    /**
     * Sets the host to run on; a fresh empty one by default.
     *
     * @param host the host the fake providers report; not null
     * @return this builder
     */
    public Builder host(HostModel host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * Sets the isolator configuration; the one of no flags by default. This and {@link #flags}
     * replace each other: the last call counts.
     *
     * @param config the configuration the isolator runs with; not null
     * @return this builder
     */
    public Builder config(IsolatorConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the isolator configuration from Mesos-style flags (names without {@code --}), replacing
     * any given before.
     *
     * @param flags flag names to their values; flags the configuration does not know are kept as
     *     provider settings
     * @return this builder
     * @throws dev.portcullis.core.config.FlagException if a flag is bad or flags conflict
     */
    public Builder flags(Map<String, String> flags) {
      return config(IsolatorConfig.fromFlags(flags));
    }

    /**
     * Sets the enforcement policy; {@code mesos} by default.
     *
     * @param policy the policy the isolator asks for verdicts; not null
     * @return this builder
     */
    public Builder policy(EnforcementPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Whether the fake providers report cgroup ids, enabling the fast path (default), or not, so
     * that every scan takes the exact path.
     *
     * @param cgroupIds whether the fake socket source and process tracker report cgroup ids
     * @return this builder
     */
    public Builder cgroupIds(boolean cgroupIds) {
      this.cgroupIds = cgroupIds;
      return this;
    }

    /**
     * {@return a new harness over this builder's host, with fresh fake providers and an isolator of
     * its settings}
     */
    public IsolatorHarness build() {
      return new IsolatorHarness(this);
    }
  }
}
