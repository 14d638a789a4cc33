package dev.portcullis.core;

import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.SocketSource;
import dev.portcullis.api.Stability;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelectionException;
import dev.portcullis.core.providers.ProviderSelector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds a {@link PortsIsolator}: a configuration, the providers (set, or selected as the
 * configuration names them), and optionally a scheduler, a clock and scan listeners.
 *
 * <p>The providers set or selected so far can be read back, so that a host that confines its tasks
 * itself uses the very tracker the isolator scans with, and can report which providers it runs. Not
 * thread-safe; every setter returns this builder, never null.
 *
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public final class PortsIsolatorBuilder {

  IsolatorConfig config;
  SocketSource socketSource;
  ProcessTracker processTracker;
  EnforcementPolicy policy;
  PortGuard portGuard;
  ScanScheduler scheduler;
  Clock clock;
  final List<Consumer<ScanReport>> listeners = new ArrayList<>();
  final List<Consumer<ContainerLimitation>> killListeners = new ArrayList<>();

  PortsIsolatorBuilder() {}

  /**
   * The configuration; required.
   *
   * @param config the flags the isolator runs with
   * @return this builder
   */
  public PortsIsolatorBuilder config(IsolatorConfig config) {
    this.config = config;
    return this;
  }

  /**
   * The socket source; required.
   *
   * @param socketSource what tells the isolator which sockets listen
   * @return this builder
   */
  public PortsIsolatorBuilder socketSource(SocketSource socketSource) {
    this.socketSource = socketSource;
    return this;
  }

  /**
   * The process tracker; required.
   *
   * @param processTracker what tells the isolator which processes each container holds
   * @return this builder
   */
  public PortsIsolatorBuilder processTracker(ProcessTracker processTracker) {
    this.processTracker = processTracker;
    return this;
  }

  /**
   * The enforcement policy; required.
   *
   * @param policy what decides about each violation
   * @return this builder
   */
  public PortsIsolatorBuilder policy(EnforcementPolicy policy) {
    this.policy = policy;
    return this;
  }

  /**
   * The port guard; optional. Without one, nothing is refused in the kernel and only scans enforce,
   * as in Mesos.
   *
   * @param portGuard what refuses unallocated binds in the kernel
   * @return this builder
   */
  public PortsIsolatorBuilder portGuard(PortGuard portGuard) {
    this.portGuard = portGuard;
    return this;
  }

  /**
   * Selects, through {@code loader}, each provider not set yet, as {@link
   * ProviderSelector#select(Class, IsolatorConfig, ProviderLoader)} does: the one the configuration
   * names ({@code --socket_source}, {@code --container_ports_policy}, {@code --process_tracker}, or
   * their system properties), else the best available, initialized with the configuration's
   * provider settings. A port guard is selected only when the configuration names one ({@code
   * --container_ports_guard}), and must then be available. Call after {@link #config}.
   *
   * <p>The kinds are selected in that order, the tracker and the guard last: their probes may
   * create the containers' root cgroup, so a bad name for the others fails first, with nothing made
   * on the host.
   *
   * @param loader finds the providers
   * @return this builder
   * @throws IllegalStateException if no configuration was set yet
   * @throws ProviderSelectionException if a provider cannot be selected; the message lists every
   *     provider found and why it was not chosen, and its {@link ProviderSelectionException#kind()
   *     kind} and {@link ProviderSelectionException#flag() flag} say which one failed
   */
  public PortsIsolatorBuilder selectProviders(ProviderLoader loader) {
    if (config == null) {
      throw new IllegalStateException("Set the configuration before selecting providers");
    }
    if (socketSource == null) {
      socketSource = ProviderSelector.select(SocketSource.class, config, loader).provider();
    }
    if (policy == null) {
      policy = ProviderSelector.select(EnforcementPolicy.class, config, loader).provider();
    }
    if (processTracker == null) {
      processTracker = ProviderSelector.select(ProcessTracker.class, config, loader).provider();
    }
    if (portGuard == null && config.guardName().isPresent()) {
      portGuard = ProviderSelector.select(PortGuard.class, config, loader).provider();
    }
    return this;
  }

  /**
   * The scheduler for {@link PortsIsolator#start()}; by default one daemon thread.
   *
   * @param scheduler runs the scheduled scans
   * @return this builder
   */
  public PortsIsolatorBuilder scheduler(ScanScheduler scheduler) {
    this.scheduler = scheduler;
    return this;
  }

  /**
   * The clock that stamps scan reports; by default the system UTC clock.
   *
   * @param clock the clock to stamp reports with
   * @return this builder
   */
  public PortsIsolatorBuilder clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /**
   * A listener that receives every scan's report, on the scanning thread.
   *
   * @param listener told of each report; not null
   * @return this builder
   */
  public PortsIsolatorBuilder onScan(Consumer<ScanReport> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * A listener told of every limitation the isolator is about to raise, on the scanning thread,
   * before it kills the container's tree: the moment for an owner to record durably what it will
   * report, so that a crash between the kill and the report cannot lose the limitation. The kill
   * goes ahead when the listener returns, and also when it throws (the throw is logged): a violator
   * is killed whatever its owner could record. A root whose kill must be repeated, because the last
   * one left a process, is announced again.
   *
   * @param listener told of each limitation before its kill; not null
   * @return this builder
   * @since 0.2
   */
  public PortsIsolatorBuilder beforeKill(Consumer<ContainerLimitation> listener) {
    killListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** {@return the socket source set or selected so far; empty before} */
  public Optional<SocketSource> socketSource() {
    return Optional.ofNullable(socketSource);
  }

  /** {@return the process tracker set or selected so far; empty before} */
  public Optional<ProcessTracker> processTracker() {
    return Optional.ofNullable(processTracker);
  }

  /** {@return the enforcement policy set or selected so far; empty before} */
  public Optional<EnforcementPolicy> policy() {
    return Optional.ofNullable(policy);
  }

  /** {@return the port guard set or selected so far; empty before, and when there is none} */
  public Optional<PortGuard> portGuard() {
    return Optional.ofNullable(portGuard);
  }

  /**
   * {@return the isolator, not yet started}
   *
   * @throws NullPointerException if a required part is missing
   */
  public PortsIsolator build() {
    return new PortsIsolator(this);
  }
}
