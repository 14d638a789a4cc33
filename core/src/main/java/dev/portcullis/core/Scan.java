package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.SocketHolders;
import dev.portcullis.api.SocketSource;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import dev.portcullis.core.ContainerObservation.Status;
import dev.portcullis.core.EnforcementAction.Outcome;
import dev.portcullis.core.config.IsolatorConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the reconciler: one host snapshot, attribution, judgement, enforcement. Holds the
 * memory of earlier violations between passes. Called by one thread at a time.
 */
final class Scan {

  private static final Logger LOG = LoggerFactory.getLogger(PortsIsolator.class);

  /** The order of a report's containers: by the text of their ids. */
  static final Comparator<ContainerId> BY_TEXT = Comparator.comparing(ContainerId::toString);

  /** What a scan needs from the isolator's live state, checked under its lock. */
  interface Tracking {
    /** Whether the root is still tracked, unlimited, with the allocation the scan judged. */
    boolean isCurrent(ContainerView root);

    /** Completes the root's watch; false if it was cleaned up or limited meanwhile. */
    boolean raise(ContainerLimitation limitation);
  }

  private final IsolatorConfig config;
  private final SocketSource source;
  private final ProcessTracker tracker;
  private final EnforcementPolicy policy;
  private final Clock clock;
  private final KillNotices notices;
  private final boolean fastPathPossible;

  /** Per offending container; touched by lifecycle threads through {@link #forget}. */
  private final Map<ContainerId, ViolationMemory> memory = new ConcurrentHashMap<>();

  private final CgroupOwners cgroupOwners = new CgroupOwners();

  /** Set once the source failed to read holders; touched by the scanning thread only. */
  private boolean holdersFailed;

  private long scans;

  Scan(
      IsolatorConfig config,
      SocketSource source,
      ProcessTracker tracker,
      EnforcementPolicy policy,
      Clock clock,
      KillNotices notices) {
    this.config = config;
    this.source = source;
    this.tracker = tracker;
    this.policy = policy;
    this.clock = clock;
    this.notices = notices;
    this.fastPathPossible = source.reportsCgroupIds() && tracker.reportsCgroupIds();
  }

  /**
   * The in-scope sockets the last exact scan found held by no judged container: the host's own
   * listeners, mostly. The fast path trusts them to stay so; any other socket it cannot attribute
   * by cgroup id makes it read descriptors.
   */
  private Set<Long> explained = Set.of();

  private boolean hasUnexplained(SocketAttribution attribution) {
    for (long inode : attribution.unowned()) {
      if (!explained.contains(inode)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The in-scope sockets an exact scan found held by no container: none of the judged ones, and
   * none of those not judged yet (awaiting their allocation, or limited), whose sockets must not be
   * trusted as the host's once they are judged.
   */
  private Set<Long> heldByNoContainer(
      Map<Long, ListeningSocket> inScope,
      SocketAttribution judgedAttribution,
      List<ContainerView> tracked,
      Map<ContainerId, ContainerView> byId) {
    Set<Long> unattributed = new HashSet<>(inScope.keySet());
    unattributed.removeAll(judgedAttribution.attributedInodes());
    List<ContainerId> notJudged = new ArrayList<>();
    for (ContainerView view : tracked) {
      Status status = statusOf(view, byId);
      if (status == Status.AWAITING_ALLOCATION || status == Status.LIMITED) {
        notJudged.add(view.id());
      }
    }
    if (!notJudged.isEmpty() && !unattributed.isEmpty()) {
      unattributed.removeAll(
          SocketAttribution.byDescriptors(notJudged, inScope, tracker, source).attributedInodes());
    }
    return unattributed;
  }

  /**
   * The exact path for {@code containers}, which are {@code judged} or some of them: by the cgroups
   * of the sockets' holders where the source reads every process's sockets at once and the tracker
   * knows cgroup ids, else by each container's processes and their descriptors.
   */
  private SocketAttribution exactly(
      List<ContainerId> judged, List<ContainerId> containers, Map<Long, ListeningSocket> inScope) {
    Optional<SocketHolders> holders = holders();
    if (holders.isPresent()) {
      // Always over every judged container, which the cgroup id cache is kept for; the caller
      // takes what it asked about.
      return SocketAttribution.byHolders(judged, inScope, holders.get(), tracker, cgroupOwners);
    }
    return SocketAttribution.byDescriptors(containers, inScope, tracker, source);
  }

  /** Every process's sockets, when the source and the tracker can attribute by them. */
  private Optional<SocketHolders> holders() {
    if (!fastPathPossible || holdersFailed) {
      return Optional.empty();
    }
    try {
      return source.socketHolders();
    } catch (IOException | RuntimeException e) {
      // Not tried again: a source that can read holders and then fails to is broken, and reading
      // descriptors is exact too.
      holdersFailed = true;
      LOG.warn(
          "Socket source '{}' could not read the sockets' holders; scans read each process's"
              + " descriptors from now on: {}",
          source.name(),
          e.toString());
      return Optional.empty();
    }
  }

  /** Forgets earlier violations in the container's tree. */
  void forget(ContainerId container) {
    memory.keySet().removeIf(container::isAncestorOrSelfOf);
  }

  ScanReport run(List<ContainerView> tracked, Tracking tracking) {
    long number = ++scans;
    Instant startedAt = clock.instant();
    long startNanos = System.nanoTime();

    List<ListeningSocket> snapshot;
    try {
      snapshot = source.listeningSockets(config.protocols());
    } catch (IOException | RuntimeException e) {
      throw new ScanFailedException(
          "Could not list listening sockets with socket source '"
              + source.name()
              + "': "
              + e.getMessage(),
          e);
    }
    Optional<PortRanges> scope = config.scope();
    List<ListeningSocket> inScopeSockets = snapshot;
    if (scope.isPresent()) {
      inScopeSockets = new ArrayList<>();
      for (ListeningSocket socket : snapshot) {
        if (scope.get().contains(socket.port())) {
          inScopeSockets.add(socket);
        }
      }
    }

    Map<ContainerId, ContainerView> byId = new HashMap<>();
    tracked.forEach(view -> byId.put(view.id(), view));
    List<ContainerId> judged = new ArrayList<>();
    for (ContainerView view : tracked) {
      if (statusOf(view, byId) == Status.JUDGED) {
        judged.add(view.id());
      }
    }

    boolean fast = fastPathPossible && (number - 1) % config.fullScanEvery() != 0;
    SocketAttribution attribution = null;
    Set<ContainerId> suspects = new LinkedHashSet<>();
    if (fast) {
      attribution = SocketAttribution.byCgroupId(judged, inScopeSockets, tracker, cgroupOwners);
      if (hasUnexplained(attribution)) {
        // A socket no container's cgroup created may still be held by a container's process (one
        // created before the process joined, or passed in): only descriptors can tell, so this
        // scan reads them all, once per such socket.
        fast = false;
      }
    }
    Map<ContainerId, PortRanges> listeningPorts = new HashMap<>();
    if (fast) {
      for (ContainerId container : judged) {
        listeningPorts.put(container, ports(attribution.sockets(container)));
        if (!unallocated(container, listeningPorts, byId).isEmpty()) {
          suspects.add(container);
        }
      }
      if (!suspects.isEmpty()) {
        Set<ContainerId> suspectRoots =
            suspects.stream().map(ContainerId::root).collect(Collectors.toSet());
        List<ContainerId> trees =
            judged.stream()
                .filter(c -> suspectRoots.contains(c.root()))
                .collect(Collectors.toList());
        attribution.replace(trees, exactly(judged, trees, byInode(inScopeSockets)));
        // Their ports as the descriptors say.
        trees.forEach(container -> listeningPorts.remove(container));
      }
    } else {
      Map<Long, ListeningSocket> inScope = byInode(inScopeSockets);
      attribution = exactly(judged, judged, inScope);
      explained = heldByNoContainer(inScope, attribution, tracked, byId);
    }

    SocketAttribution attributed = attribution;
    List<ContainerObservation> observations = new ArrayList<>();
    List<Violation> violations = new ArrayList<>();
    List<ContainerView> sorted = new ArrayList<>(tracked);
    sorted.sort(Comparator.comparing(ContainerView::id, BY_TEXT));
    for (ContainerView view : sorted) {
      ContainerId id = view.id();
      Status status = statusOf(view, byId);
      Optional<PortRanges> allocated = rootOf(view, byId).allocation();
      String unreadable = status == Status.JUDGED ? attribution.unreadable(id) : null;
      if (unreadable != null) {
        status = Status.UNREADABLE;
      }
      PortRanges listening =
          status == Status.JUDGED
              ? listeningPorts.computeIfAbsent(id, c -> ports(attributed.sockets(c)))
              : PortRanges.empty();
      observations.add(
          new ContainerObservation(
              id, status, allocated, listening, Optional.ofNullable(unreadable)));
      if (status == Status.JUDGED && !listening.minus(allocated.get()).isEmpty()) {
        violations.add(violation(id, allocated.get(), listening, attribution));
      }
    }
    List<ContainerId> unconfirmed = new ArrayList<>();
    for (ContainerId suspect : suspects) {
      if (violations.stream().noneMatch(v -> v.container().equals(suspect))) {
        unconfirmed.add(suspect);
        LOG.debug("Container {} was suspected by cgroup id but holds no such socket", suspect);
      }
    }
    forgetClean(observations, violations);

    Enforcement enforcement = enforce(number, violations, byId, tracking);
    return new ScanReport(
        number,
        startedAt,
        Duration.ofNanos(System.nanoTime() - startNanos),
        fast ? ScanMode.FAST : ScanMode.EXACT,
        snapshot.size(),
        scope,
        observations,
        violations,
        unconfirmed,
        enforcement.actions,
        enforcement.limitations,
        Map.of());
  }

  /**
   * The sockets by inode, for the descriptors' look-ups: built only on the paths that read
   * descriptors, as the fast path without suspects needs none.
   */
  private static Map<Long, ListeningSocket> byInode(List<ListeningSocket> sockets) {
    Map<Long, ListeningSocket> byInode = new LinkedHashMap<>();
    for (ListeningSocket socket : sockets) {
      byInode.putIfAbsent(socket.inode(), socket);
    }
    return byInode;
  }

  private static ContainerView rootOf(ContainerView view, Map<ContainerId, ContainerView> byId) {
    ContainerView root = byId.get(view.id().root());
    return root != null ? root : view;
  }

  private static Status statusOf(ContainerView view, Map<ContainerId, ContainerView> byId) {
    ContainerView root = rootOf(view, byId);
    if (view.ignored()) {
      return Status.IGNORED;
    }
    if (root.limited() || limitedAbove(view, byId)) {
      return Status.LIMITED;
    }
    if (root.allocation().isEmpty()) {
      return Status.AWAITING_ALLOCATION;
    }
    return Status.JUDGED;
  }

  /**
   * Whether the container, or a nested container it lies in, was killed alone and limited: its
   * processes are dead or dying, and its owner destroys it.
   */
  private static boolean limitedAbove(ContainerView view, Map<ContainerId, ContainerView> byId) {
    for (Optional<ContainerId> container = Optional.of(view.id());
        container.isPresent();
        container = container.get().parent()) {
      ContainerView seen = byId.get(container.get());
      if (seen != null && seen.limited()) {
        return true;
      }
    }
    return false;
  }

  private static PortRanges ports(Collection<ListeningSocket> sockets) {
    if (sockets.isEmpty()) {
      return PortRanges.empty();
    }
    List<Integer> ports = new ArrayList<>(sockets.size());
    for (ListeningSocket socket : sockets) {
      ports.add(socket.port());
    }
    return PortRanges.of(ports);
  }

  private static PortRanges unallocated(
      ContainerId container,
      Map<ContainerId, PortRanges> listening,
      Map<ContainerId, ContainerView> byId) {
    PortRanges allocated = byId.get(container.root()).allocation().orElse(PortRanges.empty());
    return listening.get(container).minus(allocated);
  }

  private static Violation violation(
      ContainerId container,
      PortRanges allocated,
      PortRanges listening,
      SocketAttribution attribution) {
    PortRanges unallocated = listening.minus(allocated);
    List<ListeningSocket> offending = new ArrayList<>();
    Set<Long> pids = new TreeSet<>();
    for (ListeningSocket socket : attribution.sockets(container)) {
      if (unallocated.contains(socket.port())) {
        offending.add(socket);
        pids.addAll(attribution.pids(socket.inode()));
      }
    }
    offending.sort(
        Comparator.comparingInt(ListeningSocket::port).thenComparingLong(ListeningSocket::inode));
    return Violation.builder()
        .container(container)
        .allocated(allocated)
        .listening(listening)
        .sockets(offending)
        .pids(pids)
        .build();
  }

  /** A container judged clean starts its memory afresh. */
  private void forgetClean(List<ContainerObservation> observations, List<Violation> violations) {
    Set<ContainerId> offenders = new HashSet<>();
    violations.forEach(v -> offenders.add(v.container()));
    for (ContainerObservation observation : observations) {
      if (observation.status() == Status.JUDGED && !offenders.contains(observation.container())) {
        memory.remove(observation.container());
      }
    }
  }

  private static final class Enforcement {
    final List<EnforcementAction> actions = new ArrayList<>();
    final List<ContainerLimitation> limitations = new ArrayList<>();
  }

  /**
   * What the policy decided about one violation, and what came of it before any kill: a kill
   * decision becomes {@link Outcome#KILL_FAILED} only once its root's kill has failed.
   */
  record Decision(Violation violation, Verdict verdict, Outcome outcome, boolean logged) {

    /** A violation judged against stale facts: nothing is done, and nothing is logged. */
    static Decision skipped(Violation violation) {
      return new Decision(violation, Verdict.ignore(), Outcome.IGNORED, false);
    }

    boolean kills() {
      return outcome == Outcome.KILLED;
    }

    /** What the scan did, given why the kill of its root failed, if it did. */
    EnforcementAction action(Optional<String> killFailure) {
      if (kills() && killFailure.isPresent()) {
        return new EnforcementAction(violation, verdict, Outcome.KILL_FAILED, logged, killFailure);
      }
      return new EnforcementAction(violation, verdict, outcome, logged, Optional.empty());
    }
  }

  private Enforcement enforce(
      long number,
      List<Violation> violations,
      Map<ContainerId, ContainerView> byId,
      Tracking tracking) {
    List<Decision> decisions = new ArrayList<>();
    for (Violation violation : violations) {
      if (tracking.isCurrent(byId.get(violation.root()))) {
        decisions.add(decide(number, violation));
      } else {
        // Judged against an allocation that changed, or a container that went away, during the
        // scan: the next scan judges it afresh rather than act on stale facts.
        LOG.debug("Skipping {}: its root changed during the scan", violation.container());
        decisions.add(Decision.skipped(violation));
      }
    }
    KillTargets targets = KillTargets.of(decisions.stream().filter(Decision::kills).toList());

    Enforcement enforcement = new Enforcement();
    Map<ContainerId, String> killFailures = new HashMap<>();
    for (Map.Entry<ContainerId, List<Decision>> kill : targets.byTarget().entrySet()) {
      ContainerId target = kill.getKey();
      ContainerLimitation limitation = limitation(target, kill.getValue());
      notices.announce(limitation);
      try {
        tracker.kill(target);
      } catch (IOException | RuntimeException e) {
        LOG.error("Could not kill every process of container {}: {}", target, e.getMessage(), e);
        killFailures.put(target, String.valueOf(e.getMessage()));
      }
      // Raised even when the kill failed, so that the container's owner destroys it.
      if (tracking.raise(limitation)) {
        enforcement.limitations.add(limitation);
      }
    }
    for (Decision decision : decisions) {
      Optional<String> killFailure =
          decision.kills()
              ? Optional.ofNullable(killFailures.get(targets.targetOf(decision)))
              : Optional.empty();
      enforcement.actions.add(decision.action(killFailure));
    }
    return enforcement;
  }

  /** Asks the policy, logs as it says, and updates the container's memory. */
  private Decision decide(long number, Violation violation) {
    boolean enforcing = config.enforceContainerPorts();
    ViolationMemory before = memory.get(violation.container());
    int consecutive =
        before != null && before.unallocated().equals(violation.unallocated())
            ? before.consecutiveScans() + 1
            : 1;
    Optional<PortRanges> lastLogged = before == null ? Optional.empty() : before.lastLogged();
    PolicyContext context =
        PolicyContext.builder()
            .enforcing(enforcing)
            .scan(number)
            .consecutiveScans(consecutive)
            .lastLogged(lastLogged)
            .build();

    Decision decision;
    Verdict verdict = askPolicy(violation, context);
    if (verdict == null) {
      verdict = Verdict.log(violation.message());
      LOG.warn(verdict.message());
      decision = new Decision(violation, verdict, Outcome.POLICY_FAILED, true);
    } else if (verdict.action() == Verdict.Action.IGNORE) {
      decision = new Decision(violation, verdict, Outcome.IGNORED, false);
    } else if (verdict.action() == Verdict.Action.LOG) {
      LOG.warn(verdict.message());
      decision = new Decision(violation, verdict, Outcome.LOGGED, true);
    } else if (enforcing) {
      LOG.warn(
          "{}; killing container {} and everything in it",
          verdict.message(),
          KillTargets.scopeTarget(violation, verdict.scope()));
      decision = new Decision(violation, verdict, Outcome.KILLED, true);
    } else {
      // A kill verdict repeats every scan; with nothing killed, log it once per set.
      boolean repeated = lastLogged.equals(Optional.of(violation.unallocated()));
      if (!repeated) {
        LOG.warn("{} (enforcement is off: not killing)", verdict.message());
      }
      decision = new Decision(violation, verdict, Outcome.KILL_SUPPRESSED, !repeated);
    }
    memory.put(
        violation.container(),
        new ViolationMemory(
            violation.unallocated(),
            consecutive,
            decision.logged() ? Optional.of(violation.unallocated()) : lastLogged));
    return decision;
  }

  /** The policy's verdict, or null when the policy failed to give one (already logged). */
  private Verdict askPolicy(Violation violation, PolicyContext context) {
    try {
      Verdict verdict = policy.decide(violation, context);
      if (verdict == null) {
        LOG.error(
            "Enforcement policy {} returned no verdict on {}", policy.name(), violation.message());
      }
      return verdict;
    } catch (RuntimeException e) {
      LOG.error("Enforcement policy {} failed on {}", policy.name(), violation.message(), e);
      return null;
    }
  }

  /**
   * One limitation per container killed, however many of the containers in it violated: the union
   * of their unallocated ports, and their messages joined, in the order of the violations.
   */
  private static ContainerLimitation limitation(ContainerId target, List<Decision> kills) {
    PortRanges ports = PortRanges.empty();
    List<String> messages = new ArrayList<>();
    for (Decision kill : kills) {
      ports = ports.union(kill.violation().unallocated());
      messages.add(kill.verdict().message());
    }
    return ContainerLimitation.builder()
        .container(target)
        .ports(ports)
        .message(String.join("; ", messages))
        .build();
  }
}
