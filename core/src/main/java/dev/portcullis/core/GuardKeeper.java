package dev.portcullis.core;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.GuardState;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.PortRanges;
import java.io.IOException;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one port guard per guarded root container in step with its allocation: installs it when the
 * container is prepared, changes it on update, re-finds and repairs it after a restart, removes it
 * at cleanup, and reads what it refused after each scan.
 *
 * <p>Thread-safe; never called under the isolator's lock, since every call does I/O.
 */
final class GuardKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(GuardKeeper.class);

  private final PortGuard guard;
  private final GuardRules rules;

  /** The guarded roots, with the refusals the last scan saw. */
  private final Map<ContainerId, GuardRefusals> guarded = new ConcurrentHashMap<>();

  GuardKeeper(PortGuard guard, GuardRules rules) {
    this.guard = guard;
    this.rules = rules;
  }

  /** The provider's name, for messages. */
  String name() {
    return guard.name();
  }

  /** One line for the start-up log: what the guard does here. */
  String describe() {
    return "Port guard "
        + name()
        + ": the kernel refuses binds outside each container's allocation; a listener on a port"
        + " no bind check saw is "
        + (guard.stopsUnboundListeners() ? "stopped at once" : "left to the scans");
  }

  /** Whether the guard can follow a cgroup outside its root. */
  boolean adoptsCgroups() {
    return guard.adoptsCgroups();
  }

  /**
   * Has the guard act on the cgroup another engine made for the root.
   *
   * @throws PortGuardException if the guard cannot follow it
   */
  void adopt(ContainerId root, String cgroup) {
    try {
      guard.adopt(root, cgroup);
    } catch (IOException e) {
      throw new PortGuardException(
          root, "Cannot guard container " + root + " at cgroup " + cgroup + " with " + name(), e);
    }
  }

  /**
   * Guards a root before its first process joins it.
   *
   * @throws PortGuardException if the guard could not be installed
   */
  void install(ContainerId root, PortRanges allocation) {
    BindAllowance allowance = rules.allowance(allocation);
    try {
      guard.install(root, allowance);
    } catch (IOException e) {
      throw new PortGuardException(root, "Cannot guard container " + root + " with " + name(), e);
    }
    guarded.put(root, GuardRefusals.none());
    LOG.info("Container {} is guarded by {}: {}", root, name(), allowance);
  }

  /**
   * Makes a root's guard allow its new allocation; installs one if the root has none.
   *
   * @throws PortGuardException if the guard could not be changed; the old allowance stays
   */
  void update(ContainerId root, PortRanges allocation) {
    BindAllowance allowance = rules.allowance(allocation);
    try {
      if (guarded.containsKey(root)) {
        guard.update(root, allowance);
      } else {
        guard.install(root, allowance);
        guarded.put(root, GuardRefusals.none());
      }
    } catch (IOException e) {
      throw new PortGuardException(
          root,
          "The allocation of container "
              + root
              + " changed to "
              + allocation
              + ", but its guard still enforces the old one",
          e);
    }
    LOG.info("Container {}'s guard now allows {}", root, allowance);
  }

  /**
   * Re-finds a recovered root's guard and repairs it: one that is missing, incomplete or allows
   * something else than the allocation is installed again. Without a known allocation, a guard
   * found is kept as it is (it holds the last allocation the host enforced). Never throws: a
   * failure is logged, and the scan still watches the container.
   */
  void recover(ContainerId root, Optional<PortRanges> allocation) {
    try {
      Optional<GuardState> found = guard.find(root);
      if (allocation.isEmpty()) {
        if (found.isPresent()) {
          guarded.put(root, found.get().refusals());
          LOG.info(
              "Container {} was recovered with its guard, which allows {}; it is kept until the"
                  + " allocation is known",
              root,
              found.get().allowance());
        } else {
          LOG.warn("Container {} was recovered without a guard or a known allocation", root);
        }
        return;
      }
      BindAllowance wanted = rules.allowance(allocation.get());
      if (found.isPresent() && found.get().complete() && found.get().allowance().equals(wanted)) {
        guarded.put(root, found.get().refusals());
        LOG.info("Container {} was recovered with its guard in place: {}", root, wanted);
        return;
      }
      LOG.warn(
          "Container {} was recovered {}; installing it again to allow {}",
          root,
          found.map(GuardKeeper::damage).orElse("without its guard"),
          wanted);
      guard.install(root, wanted);
      guarded.put(root, GuardRefusals.none());
    } catch (IOException e) {
      LOG.error(
          "Cannot recover the guard of container {}: {}; only scans protect it",
          root,
          e.getMessage());
    }
  }

  private static String damage(GuardState state) {
    return state.complete()
        ? "with a guard that allows " + state.allowance()
        : "with an incomplete guard";
  }

  /**
   * Removes a root's guard, after one last read of what it refused, so that a refusal just before
   * the container ended is still logged; a failure is logged (the guard goes with the cgroup
   * anyway).
   */
  void remove(ContainerId root) {
    GuardRefusals before = guarded.remove(root);
    if (before == null) {
      return;
    }
    try {
      read(root, before);
    } catch (IOException e) {
      LOG.debug("Cannot read what the guard of container {} refused: {}", root, e.getMessage());
    }
    try {
      guard.remove(root);
    } catch (IOException e) {
      LOG.warn("Cannot remove the guard of container {}: {}", root, e.getMessage());
    }
  }

  /**
   * What the guards were seen to do by one read.
   *
   * @param refusals what every guard readable has refused so far
   * @param stopped the roots whose guard stopped a listener since the previous read, with that
   *     listener's port (or, when the same port was stopped again, every port it ever stopped)
   */
  record Observation(
      Map<ContainerId, GuardRefusals> refusals, Map<ContainerId, PortRanges> stopped) {}

  /**
   * What every guard has refused so far, read after a scan; logs what each refused since the
   * previous read. A guard that cannot be read is left out, with the failure logged.
   */
  Observation observe() {
    Map<ContainerId, GuardRefusals> now =
        new TreeMap<>(Comparator.comparing(ContainerId::toString));
    Map<ContainerId, PortRanges> stopped =
        new TreeMap<>(Comparator.comparing(ContainerId::toString));
    // A snapshot of the roots guarded as the read starts: the loop updates the map itself.
    for (Map.Entry<ContainerId, GuardRefusals> entry : Map.copyOf(guarded).entrySet()) {
      ContainerId root = entry.getKey();
      Optional<GuardRefusals> read;
      try {
        read = read(root, entry.getValue());
      } catch (IOException e) {
        LOG.warn("Cannot read what the guard of container {} refused: {}", root, e.getMessage());
        continue;
      }
      if (read.isPresent()) {
        GuardRefusals before = entry.getValue();
        GuardRefusals after = read.get();
        // replace() rather than put(): a root removed meanwhile must stay removed.
        guarded.replace(root, after);
        now.put(root, after);
        if (after.listeners() > before.listeners()) {
          PortRanges fresh = after.listenerPorts().minus(before.listenerPorts());
          stopped.put(root, fresh.isEmpty() ? after.listenerPorts() : fresh);
        }
      }
    }
    return new Observation(now, stopped);
  }

  /** What a root's guard refused so far; logs what it refused since {@code before}. */
  private Optional<GuardRefusals> read(ContainerId root, GuardRefusals before) throws IOException {
    Optional<GuardRefusals> read = guard.refusals(root);
    if (read.isPresent()) {
      GuardRefusals refusals = read.get();
      if (refusals.total() > before.total()) {
        long stopped = refusals.listeners() - before.listeners();
        LOG.warn(
            "Container {}: the guard refused {} bind(s){} since the last scan; ports refused so"
                + " far: {}",
            root,
            refusals.binds() - before.binds(),
            stopped > 0 ? " and stopped " + stopped + " listener(s)" : "",
            refusals.ports());
      }
    }
    return read;
  }
}
