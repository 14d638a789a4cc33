package dev.portcullis.bpf;

import com.google.auto.service.AutoService;
import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.GuardState;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.bpf.guard.AllowanceBitmaps;
import dev.portcullis.bpf.guard.AllowanceWrites;
import dev.portcullis.bpf.guard.GuardProgram;
import dev.portcullis.bpf.sys.Bpf;
import dev.portcullis.bpf.sys.BpfException;
import dev.portcullis.bpf.sys.Fd;
import dev.portcullis.linux.Adoptions;
import dev.portcullis.linux.ContainerCgroups;
import dev.portcullis.linux.Lineage;
import dev.portcullis.linux.UnifiedMount;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code bpf} port guard: cgroup BPF programs on the container's cgroup in the unified (v2)
 * hierarchy that make {@code bind()} fail with {@code EPERM} for a port outside the allowance.
 *
 * <p>A guard is one array map of port bitmaps and four programs: a bind check at the IPv4 and IPv6
 * bind hooks judges the port a {@code bind()} names, and a post-bind check at the IPv4 and IPv6
 * post-bind hooks judges the port the socket got, which is how a {@code bind()} to port 0 is judged
 * on the port the kernel picked. Where the kernel allows it, a fifth program at the TCP callback
 * hook kills a process that starts listening on a port no bind check saw (a socket that was never
 * bound). Each refusal is counted and its port recorded in the map.
 *
 * <p>The programs are attached with the legacy attach command in multi mode, so they belong to the
 * cgroup: they outlive the agent, and a sub-cgroup's own programs run beside them but cannot undo
 * them. Nothing is pinned; the programs hold the map, and removing the cgroup frees everything. A
 * restarted agent finds a guard from the cgroup alone, by the names of its programs and map.
 *
 * <p>What the guard cannot see: sockets created before their process joined the cgroup; UDP sockets
 * that get a port from {@code sendto()} or {@code connect()} without a bind; and a task with root,
 * {@code CAP_SYS_ADMIN}, {@code CAP_NET_ADMIN} or {@code CAP_BPF}, which can detach the guard or
 * rewrite its map. The scan stays the backstop for all of them.
 *
 * <p>Settings: {@code cgroups_hierarchy} and {@code cgroups_root}, read as the process trackers
 * read them; {@value #STOP_LISTENERS_SETTING} ({@code true} by default), {@code false} to leave the
 * listen check out. Thread-safe: calls are serialized, so a find never sees an install half done
 * (another process changing the same cgroup still can).
 *
 * @since 0.2
 */
@AutoService(PortGuard.class)
public final class BpfPortGuard implements PortGuard {

  private static final Logger LOG = LoggerFactory.getLogger(BpfPortGuard.class);

  static final String NAME = "bpf";

  /**
   * The setting that keeps the listen check out of new guards when {@code false}: a listener on a
   * port the kernel picked is then left to the scan, which kills the whole container for it, rather
   * than killed alone at once.
   */
  static final String STOP_LISTENERS_SETTING = "container_ports_guard_stop_listeners";

  private final ReentrantLock lock = new ReentrantLock();

  /**
   * The maps of guards whose refusals were read, kept open so that each scan's read costs one map
   * lookup rather than a search of the cgroup's programs; guarded by {@link #lock}. An install or a
   * removal through this provider drops the container's entry.
   */
  private final Map<ContainerId, WatchedMap> watched = new HashMap<>();

  private record WatchedMap(GuardMapHandle map, GuardRefusals last) {}

  private volatile ContainerCgroups cgroups = cgroups(ProviderSettings.empty());

  /** The containers adopted at cgroups another engine made, outside the root. */
  private final Adoptions adoptions = new Adoptions();

  private volatile AvailabilityProbe.Result probe;
  private volatile boolean stopListeners = true;

  /** A guard with the default settings until {@link #initialize} gives others; does no work. */
  public BpfPortGuard() {}

  private static ContainerCgroups cgroups(ProviderSettings settings) {
    // The probe itself is the check that the containers' root can carry a guard.
    return ContainerCgroups.fromSettings(settings, UnifiedMount::new, root -> {});
  }

  /** {@code bpf}. */
  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void initialize(ProviderSettings settings) {
    cgroups = cgroups(settings);
    stopListeners = settings.getBoolean(STOP_LISTENERS_SETTING, true);
    probe = null;
    adoptions.clear();
  }

  /** True: the guard follows the cgroups the trackers adopt, in the unified hierarchy. */
  @Override
  public boolean adoptsCgroups() {
    return true;
  }

  /**
   * Adopts the cgroup as {@link PortGuard#adopt} says, looking for it in the unified hierarchy,
   * where the guard's programs attach.
   */
  @Override
  public void adopt(ContainerId container, String cgroup) throws IOException {
    adoptions.adopt(container, cgroup, cgroups);
  }

  /**
   * Why no guard can be installed here, or empty. Probes once by doing the real thing in a scratch
   * cgroup under the containers' root: creates a guard map, loads and attaches every program,
   * detaches them and removes the cgroup. The cause names what failed, for example {@code
   * bpf(BPF_PROG_LOAD) failed: EPERM (Operation not permitted), loading program pc_bind4}, with the
   * verifier's log when the kernel refused a program.
   */
  @Override
  public Optional<Throwable> unavailabilityCause() {
    return probe().cause();
  }

  private AvailabilityProbe.Result probe() {
    AvailabilityProbe.Result result = probe;
    if (result == null) {
      synchronized (this) {
        result = probe;
        if (result == null) {
          result = AvailabilityProbe.run(cgroups);
          probe = result;
        }
      }
    }
    return result;
  }

  /**
   * True when the probe could load and attach the listen check: a process that calls {@code
   * listen()} on a TCP socket it never bound, and so gets a port outside the allowance, is killed
   * at once. A process that shares the socket (a child forked before) survives and keeps listening;
   * the scan catches it.
   */
  @Override
  public boolean stopsUnboundListeners() {
    return stopListeners && probe().programs().contains(GuardProgram.LISTEN);
  }

  /** Why the listen check is left out here, when it is. */
  Optional<Throwable> listenUnavailabilityCause() {
    return probe().listenCause();
  }

  private Set<GuardProgram> programs() throws IOException {
    AvailabilityProbe.Result result = probe();
    if (result.cause().isPresent()) {
      Throwable cause = result.cause().get();
      throw new IOException("The bpf guard is unavailable: " + cause.getMessage(), cause);
    }
    if (!stopListeners) {
      Set<GuardProgram> programs = EnumSet.copyOf(result.programs());
      programs.remove(GuardProgram.LISTEN);
      return programs;
    }
    return result.programs();
  }

  /**
   * Creates the container's cgroup if needed, loads a new guard for {@code allowance}, attaches it,
   * and then detaches any guard of ours that was there before. Between the two, both guards run and
   * a bind must pass both; if anything fails, the new guard is detached again and the old one, if
   * any, stays.
   */
  @Override
  public void install(ContainerId container, BindAllowance allowance) throws IOException {
    if (container.isNested()) {
      throw new IllegalArgumentException(
          "Container " + container + " is nested: the guard of " + container.root() + " covers it");
    }
    Set<GuardProgram> programs = programs();
    Lineage lineage = adoptions.lineage(container);
    lock.lock();
    try {
      long start = System.nanoTime();
      cgroups.create(lineage);
      Path dir = cgroups.path(lineage);
      Bpf bpf = Bpf.get();
      try (Fd cgroup = bpf.openDirectory(dir);
          FoundGuard previous = FoundGuard.read(bpf, cgroup);
          LoadedGuard guard = LoadedGuard.create(bpf, allowance)) {
        for (GuardProgram program : programs) {
          guard.load(program);
        }
        try (Attachment attachment = Attachment.attach(bpf, cgroup, guard.programs())) {
          previous.detachAll(bpf, cgroup);
          attachment.keep();
        }
        forget(container);
        LOG.debug(
            "Guarded {} ({}) with {} in {} µs{}",
            container,
            dir,
            allowance,
            (System.nanoTime() - start) / 1000,
            previous.isEmpty() ? "" : ", replacing " + previous.members().size() + " programs");
      }
    } catch (IOException e) {
      throw new IOException("Cannot guard container " + container + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Rewrites the guard's map in place, in the order {@link AllowanceWrites} explains, so that a
   * bind under way is judged by the old or the new allowance for its port and never refused a port
   * both allow. The programs stay as they are; every map our programs on the cgroup use is
   * rewritten. If a write fails, the old allowance is written back the same careful way.
   */
  @Override
  public void update(ContainerId container, BindAllowance allowance) throws IOException {
    AllowanceBitmaps next = AllowanceBitmaps.of(allowance);
    Lineage lineage = adoptions.lineage(container);
    lock.lock();
    try {
      Path dir = cgroups.path(lineage);
      Bpf bpf = Bpf.get();
      Optional<Fd> opened = open(bpf, dir);
      if (opened.isEmpty()) {
        throw noGuard(container, dir);
      }
      int written = 0;
      try (Fd cgroup = opened.get();
          FoundGuard found = FoundGuard.read(bpf, cgroup)) {
        for (int id : found.mapIds()) {
          Optional<GuardMapHandle> map = GuardMapHandle.open(bpf, id);
          if (map.isPresent()) {
            try (GuardMapHandle guardMap = map.get()) {
              rewrite(guardMap, next);
              written++;
            }
          }
        }
      } catch (BpfException e) {
        throw new IOException(
            "Cannot update the guard of container " + container + ": " + e.getMessage(), e);
      }
      if (written == 0) {
        throw noGuard(container, dir);
      }
    } finally {
      lock.unlock();
    }
  }

  private static void rewrite(GuardMapHandle map, AllowanceBitmaps next) throws BpfException {
    AllowanceBitmaps current = map.allowance();
    try {
      map.write(AllowanceWrites.update(current, next));
    } catch (BpfException e) {
      try {
        // From any step of the update, this order also never refuses what both allow.
        map.write(AllowanceWrites.update(next, current));
      } catch (BpfException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }

  private static IOException noGuard(ContainerId container, Path dir) {
    return new IOException("Container " + container + " has no bpf guard (cgroup " + dir + ")");
  }

  /**
   * Reads the guard back from the cgroup alone. The allowance comes from the map of the first
   * program of ours found (bind check first) and is in canonical form ({@link AllowanceBitmaps}).
   * {@code complete} is true only when every program this host's guard has is attached exactly
   * once, all of them share that one map, and it is a guard map; a guard whose programs have no
   * readable map reports an allowance of nothing, since that is what its programs enforce.
   */
  @Override
  public Optional<GuardState> find(ContainerId container) throws IOException {
    Set<GuardProgram> programs = programs();
    Path dir = cgroups.path(adoptions.lineage(container));
    lock.lock();
    try {
      return find(Bpf.get(), dir, programs);
    } catch (BpfException e) {
      throw new IOException(
          "Cannot read the guard of container " + container + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private static Optional<GuardState> find(Bpf bpf, Path dir, Set<GuardProgram> programs)
      throws IOException {
    Optional<Fd> opened = open(bpf, dir);
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    try (Fd cgroup = opened.get();
        FoundGuard found = FoundGuard.read(bpf, cgroup)) {
      if (found.isEmpty()) {
        return Optional.empty();
      }
      boolean complete = found.isComplete(programs);
      Optional<GuardMapHandle> map = firstGuardMap(bpf, found);
      if (map.isPresent()) {
        try (GuardMapHandle guardMap = map.get()) {
          return Optional.of(
              new GuardState(guardMap.allowance().allowance(), complete, guardMap.refusals()));
        }
      }
      BindAllowance.Rule nothing = new BindAllowance.Rule(PortRanges.empty(), PortRanges.empty());
      return Optional.of(
          new GuardState(BindAllowance.of(nothing, nothing), false, GuardRefusals.none()));
    }
  }

  /** Detaches every program of ours from the container's cgroup; their map goes with them. */
  @Override
  public void remove(ContainerId container) throws IOException {
    Lineage lineage = adoptions.lineage(container);
    lock.lock();
    try {
      Path dir = cgroups.path(lineage);
      Bpf bpf = Bpf.get();
      Optional<Fd> opened = open(bpf, dir);
      if (opened.isPresent()) {
        try (Fd cgroup = opened.get();
            FoundGuard found = FoundGuard.read(bpf, cgroup)) {
          found.detachAll(bpf, cgroup);
        }
      }
      // Once nothing of ours is left on it: a guard that could not be detached stays adopted.
      if (lineage.isAdoptedTop()) {
        adoptions.forget(container, lineage.adopted().get());
      }
    } catch (BpfException e) {
      throw new IOException(
          "Cannot remove the guard of container " + container + ": " + e.getMessage(), e);
    } finally {
      forget(container);
      lock.unlock();
    }
  }

  /**
   * Reads the counters of the container's guard map, found once and then kept open; the refused
   * ports are read only when the counts have grown.
   */
  @Override
  public Optional<GuardRefusals> refusals(ContainerId container) throws IOException {
    lock.lock();
    try {
      WatchedMap entry = watched.get(container);
      if (entry == null) {
        Optional<GuardMapHandle> map = guardMap(container);
        if (map.isEmpty()) {
          return Optional.empty();
        }
        entry = new WatchedMap(map.get(), map.get().refusals());
      } else {
        entry = new WatchedMap(entry.map(), entry.map().refusalsSince(entry.last()));
      }
      watched.put(container, entry);
      return Optional.of(entry.last());
    } catch (BpfException e) {
      forget(container);
      throw new IOException(
          "Cannot read what the guard of container " + container + " refused: " + e.getMessage(),
          e);
    } finally {
      lock.unlock();
    }
  }

  /** The map of the container's guard, open; empty without a guard or a cgroup. */
  private Optional<GuardMapHandle> guardMap(ContainerId container) throws IOException {
    Bpf bpf = Bpf.get();
    Optional<Fd> opened = open(bpf, cgroups.path(adoptions.lineage(container)));
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    try (Fd cgroup = opened.get();
        FoundGuard found = FoundGuard.read(bpf, cgroup)) {
      return firstGuardMap(bpf, found);
    }
  }

  /** The first guard map our programs on the cgroup use, open; the caller closes it. */
  private static Optional<GuardMapHandle> firstGuardMap(Bpf bpf, FoundGuard found)
      throws BpfException {
    for (int id : found.mapIds()) {
      Optional<GuardMapHandle> map = GuardMapHandle.open(bpf, id);
      if (map.isPresent()) {
        return map;
      }
    }
    return Optional.empty();
  }

  /** Closes the kept map of a container, if any; the caller holds the lock. */
  private void forget(ContainerId container) {
    WatchedMap entry = watched.remove(container);
    if (entry != null) {
      entry.map().close();
    }
  }

  /** The cgroup's directory, open; empty when it does not exist. */
  private static Optional<Fd> open(Bpf bpf, Path dir) throws IOException {
    try {
      return Optional.of(bpf.openDirectory(dir));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "bpf port guard (cgroup v2 bind and post-bind hooks)";
  }
}
