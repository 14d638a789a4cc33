package dev.portcullis.testkit;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.GuardState;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link PortGuard} that keeps its guards in memory and judges binds as the kernel guard would,
 * for tests of the isolator's guard lifecycle and of policies that rely on it.
 *
 * <p>It records every call (as {@link Call}s), knows whether the container's cgroup held a process
 * when the guard was installed (which a real guard could not make up for), and can be made to fail
 * or be damaged, as a real host can: {@link #failNext}, {@link #damage}, {@link #tamper}, {@link
 * #forget}. A guard survives a new {@code FakePortGuard} only if it is built on the same {@link
 * State}, as guards survive an agent restart.
 *
 * <p>Thread-safe.
 *
 * @since 0.2
 */
public final class FakePortGuard implements PortGuard {

  /** The provider name: {@value}. */
  public static final String NAME = "testkit";

  /** What a guard call was. */
  public enum Operation {
    /** {@link PortGuard#install}. */
    INSTALL,
    /** {@link PortGuard#update}. */
    UPDATE,
    /** {@link PortGuard#remove}. */
    REMOVE
  }

  /**
   * One call that changed a guard.
   *
   * @param operation which call
   * @param container the container it was for
   * @param allowance what the guard was to allow; {@link BindAllowance#any()} for a removal
   * @param processesPresent how many processes the container's cgroup held at the call
   */
  public record Call(
      Operation operation, ContainerId container, BindAllowance allowance, int processesPresent) {}

  /** The guards on a host: share one between two guards to model a restart. */
  public static final class State {
    private final Map<ContainerId, Installed> guards = new HashMap<>();
  }

  private static final class Installed {
    BindAllowance allowance;
    boolean complete = true;
    long binds;
    long listeners;
    final BitSet ports = new BitSet(PortRanges.MAX_PORT + 1);
    final BitSet listenerPorts = new BitSet(PortRanges.MAX_PORT + 1);

    Installed(BindAllowance allowance) {
      this.allowance = allowance;
    }
  }

  private final HostModel host;
  private final FakeProcessTracker tracker;
  private final State state;
  private final List<Call> calls = new ArrayList<>();
  private IOException nextFailure;

  /**
   * A guard with fresh, empty state over the tracker's cgroups on {@code host}.
   *
   * @param host the host whose processes a listen check lets listen or stops
   * @param tracker the tracker whose cgroup layout locates each container's processes, counted in
   *     every {@link Call}
   */
  public FakePortGuard(HostModel host, FakeProcessTracker tracker) {
    this(host, tracker, new State());
  }

  /**
   * A guard over guards already on the host, as after an agent restart.
   *
   * @param host the host whose processes a listen check lets listen or stops
   * @param tracker the tracker whose cgroup layout locates each container's processes, counted in
   *     every {@link Call}
   * @param state the guards in place, from an earlier guard's {@link #state()}; this guard reads
   *     and changes them
   */
  public FakePortGuard(HostModel host, FakeProcessTracker tracker, State state) {
    this.host = host;
    this.tracker = tracker;
    this.state = state;
  }

  /** {@return the guards this provider works on, to hand to a later one} */
  public State state() {
    return state;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return Optional.empty();
  }

  @Override
  public synchronized void install(ContainerId container, BindAllowance allowance)
      throws IOException {
    if (container.isNested()) {
      throw new IllegalArgumentException("Nested container " + container + " has no guard");
    }
    failIfAsked();
    calls.add(new Call(Operation.INSTALL, container, allowance, processes(container)));
    state.guards.put(container, new Installed(allowance));
  }

  @Override
  public synchronized void update(ContainerId container, BindAllowance allowance)
      throws IOException {
    failIfAsked();
    Installed guard = state.guards.get(container);
    if (guard == null) {
      throw new IOException("container " + container + " has no guard");
    }
    calls.add(new Call(Operation.UPDATE, container, allowance, processes(container)));
    guard.allowance = allowance;
  }

  @Override
  public synchronized Optional<GuardState> find(ContainerId container) {
    Installed guard = state.guards.get(container);
    return guard == null
        ? Optional.empty()
        : Optional.of(new GuardState(guard.allowance, guard.complete, refusalsOf(guard)));
  }

  @Override
  public synchronized void remove(ContainerId container) {
    calls.add(new Call(Operation.REMOVE, container, BindAllowance.any(), processes(container)));
    state.guards.remove(container);
  }

  /**
   * Whether a process of {@code container} (or of a container nested in it) may {@code bind()}
   * {@code port}, as the kernel guard would decide, counting a refusal.
   *
   * @param container the container of the binding process; a nested container is judged by its root
   *     container's guard
   * @param protocol the protocol of the socket being bound
   * @param port the port named, or 0 to let the kernel pick {@code picked}
   * @param picked the port the kernel picks for a bind to port 0; ignored otherwise
   * @return whether the bind succeeds: true when the root container has no guard or its allowance
   *     allows the port; false for a refusal, which the guard's {@link GuardRefusals} count
   */
  public synchronized boolean bind(ContainerId container, Protocol protocol, int port, int picked) {
    Installed guard = state.guards.get(container.root());
    if (guard == null) {
      return true;
    }
    BindAllowance.Rule rule = guard.allowance.rule(protocol);
    int bound = port == 0 ? picked : port;
    boolean allowed = port == 0 ? rule.allowsPicked(picked) : rule.allowsNamed(port);
    if (!allowed) {
      guard.binds++;
      guard.ports.set(bound);
    }
    return allowed;
  }

  /**
   * A process of {@code container} calls {@code listen()} on a TCP socket it never bound, and the
   * kernel picks {@code picked}: no bind check runs, but the guard's listen check does, as the
   * kernel guard's would. A picked port the guard allows is listened on (the socket appears on the
   * host); one it does not allow stops the process (it exits, as after SIGKILL), counted.
   *
   * @param container the container of the listening process; a nested container is judged by its
   *     root container's guard
   * @param pid the listening process, living on the host
   * @param picked the port the kernel picks for the listener
   * @return whether the process listens
   */
  public synchronized boolean listenUnbound(ContainerId container, long pid, int picked) {
    Installed guard = state.guards.get(container.root());
    if (guard == null || guard.allowance.rule(Protocol.TCP).allowsPicked(picked)) {
      host.listen(pid, picked);
      return true;
    }
    guard.listeners++;
    guard.listenerPorts.set(picked);
    host.exit(pid);
    return false;
  }

  /** True: {@link #listenUnbound} stops what the allowance does not allow. */
  @Override
  public boolean stopsUnboundListeners() {
    return true;
  }

  /**
   * As {@link #bind(ContainerId, Protocol, int, int)} for a TCP bind that names its port.
   *
   * @param container the container of the binding process; a nested container is judged by its root
   *     container's guard
   * @param port the port named
   * @return whether the bind succeeds; a refusal is counted
   */
  public boolean bind(ContainerId container, int port) {
    return bind(container, Protocol.TCP, port, 0);
  }

  /** {@return what every guard in place now allows, by container: a copy, not a live view} */
  public synchronized Map<ContainerId, BindAllowance> guards() {
    Map<ContainerId, BindAllowance> guards = new HashMap<>();
    state.guards.forEach((id, guard) -> guards.put(id, guard.allowance));
    return guards;
  }

  /**
   * {@return every install, update and remove, in order; a call that threw, because of {@link
   * #failNext} or otherwise, is not among them}
   */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /**
   * Makes the next install or update fail with {@code failure}, before it changes anything; the
   * calls after it succeed again.
   *
   * @param failure what the next install or update throws
   */
  public synchronized void failNext(IOException failure) {
    this.nextFailure = failure;
  }

  /**
   * Marks a container's guard incomplete, as if part of it had been detached: {@link #find} reports
   * it so until it is installed again.
   *
   * @param container a container that has a guard
   */
  public synchronized void damage(ContainerId container) {
    state.guards.get(container).complete = false;
  }

  /**
   * Changes what a container's guard allows behind the isolator's back; no {@link Call} records it.
   *
   * @param container a container that has a guard
   * @param allowance what the guard allows from now on
   */
  public synchronized void tamper(ContainerId container, BindAllowance allowance) {
    state.guards.get(container).allowance = allowance;
  }

  /**
   * Removes a container's guard behind the isolator's back, as if it had been detached; no {@link
   * Call} records it.
   *
   * @param container the container whose guard goes; one without a guard is left as it is
   */
  public synchronized void forget(ContainerId container) {
    state.guards.remove(container);
  }

  private void failIfAsked() throws IOException {
    IOException failure = nextFailure;
    if (failure != null) {
      nextFailure = null;
      throw failure;
    }
  }

  private int processes(ContainerId container) {
    String cgroup = tracker.cgroupOf(container);
    if (!host.cgroupExists(cgroup)) {
      return 0;
    }
    Set<Long> pids = host.subtreePids(cgroup);
    return pids.size();
  }

  private static GuardRefusals refusalsOf(Installed guard) {
    return new GuardRefusals(
        guard.binds,
        guard.listeners,
        PortRanges.fromBitSet(guard.ports),
        PortRanges.fromBitSet(guard.listenerPorts));
  }
}
