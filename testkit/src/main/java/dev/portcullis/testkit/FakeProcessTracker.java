package dev.portcullis.testkit;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ProcessTracker} over a {@link HostModel}, laid out as Mesos does ({@code
 * /<cgroups_root>/<id>}, nested {@code <parent>/mesos/<child>}), recording every kill.
 *
 * <p>It {@linkplain #adopt adopts} cgroups of the host outside its root as the Linux trackers do
 * (since 0.3): the same checks, an adopted container and its nested ones below the adopted cgroup,
 * and a {@link #remove} that leaves the adopted cgroup and forgets the adoption. A test makes the
 * cgroup an engine would with {@link HostModel#createCgroup} and its processes with {@link
 * HostModel#spawn}.
 *
 * @since 0.1
 */
public final class FakeProcessTracker implements ProcessTracker {

  /** The provider name of every fake process tracker. */
  public static final String NAME = "testkit";

  /** The cgroups root used when none is given: the real trackers' default. */
  public static final String DEFAULT_ROOT = DEFAULT_CGROUPS_ROOT;

  private final AtomicLong cgroupIdWalks = new AtomicLong();

  private final HostModel host;
  private final String cgroupsRoot;
  private final boolean reportsCgroupIds;
  private final List<Kill> kills = new ArrayList<>();
  private final Map<ContainerId, String> adoptions = new ConcurrentHashMap<>();

  /**
   * A record of one kill: the container and the processes that died.
   *
   * @param container the container killed, with everything below it
   * @param pids the processes that were in its subtree
   */
  public record Kill(ContainerId container, Set<Long> pids) {}

  /**
   * A tracker under {@value #DEFAULT_ROOT} that reports cgroup ids, like a cgroup v2 tracker.
   *
   * @param host the host to track processes in
   */
  public FakeProcessTracker(HostModel host) {
    this(host, DEFAULT_ROOT, true);
  }

  /**
   * @param host the host to track processes in
   * @param cgroupsRoot the cgroup under which containers live, without slashes
   * @param reportsCgroupIds whether to report cgroup ids, as a v2 tracker does and a v1 one cannot
   */
  public FakeProcessTracker(HostModel host, String cgroupsRoot, boolean reportsCgroupIds) {
    this.host = host;
    this.cgroupsRoot = cgroupsRoot;
    this.reportsCgroupIds = reportsCgroupIds;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return Optional.empty();
  }

  /**
   * {@return the cgroup path of a container in the Mesos layout, {@code /<cgroups_root>/<id>} with
   * {@code /mesos/<child>} for each level of nesting, whether or not that cgroup exists} For a
   * container {@linkplain #adopt adopted} at a cgroup, and those nested in it, the path starts at
   * that cgroup instead of {@code /<cgroups_root>/<id>} (since 0.3).
   *
   * @param container the container to locate
   */
  public String cgroupOf(ContainerId container) {
    String adopted = adoptions.get(container.root());
    StringBuilder path = new StringBuilder();
    for (ContainerId id : container.lineage()) {
      if (id.isNested()) {
        path.append("/mesos/").append(id.value());
      } else if (adopted != null) {
        path.append(adopted);
      } else {
        path.append('/').append(cgroupsRoot).append('/').append(id.value());
      }
    }
    return path.toString();
  }

  @Override
  public boolean reportsCgroupIds() {
    return reportsCgroupIds;
  }

  @Override
  public Set<Long> cgroupIds(ContainerId container) {
    cgroupIdWalks.incrementAndGet();
    return reportsCgroupIds ? host.subtreeCgroupIds(cgroupOf(container)) : Set.of();
  }

  /**
   * {@return how many times {@link #cgroupIds} was asked, for any container}: a scan keeps cgroup
   * ids from scan to scan, and a test can tell when it walks a subtree again.
   */
  public long cgroupIdWalks() {
    return cgroupIdWalks.get();
  }

  @Override
  public Set<Long> pids(ContainerId container) {
    return host.subtreePids(cgroupOf(container));
  }

  @Override
  public boolean exists(ContainerId container) {
    return host.cgroupExists(cgroupOf(container));
  }

  /**
   * Every container whose cgroup exists in the host under {@code /<cgroups_root>}, read back from
   * the Mesos layout, as the real trackers do: other cgroups of a container than {@code mesos},
   * names that are not container id values, and everything below either are left out. Adopted
   * containers are not listed.
   */
  @Override
  public Set<ContainerId> containers() {
    String prefix = "/" + cgroupsRoot + "/";
    Set<ContainerId> found = new LinkedHashSet<>();
    for (String cgroup : host.cgroups()) {
      if (cgroup.startsWith(prefix)) {
        containerAt(cgroup.substring(prefix.length()).split("/")).ifPresent(found::add);
      }
    }
    return Collections.unmodifiableSet(found);
  }

  /** The container at {@code id/mesos/child/mesos/...}, if the parts fit the layout. */
  private static Optional<ContainerId> containerAt(String[] parts) {
    if (parts.length % 2 == 0) {
      return Optional.empty();
    }
    ContainerId id = null;
    for (int i = 0; i < parts.length; i += 2) {
      if (i > 0 && !parts[i - 1].equals("mesos")) {
        return Optional.empty();
      }
      try {
        id = id == null ? ContainerId.of(parts[i]) : id.child(parts[i]);
      } catch (IllegalArgumentException notAnId) {
        return Optional.empty();
      }
    }
    return Optional.of(id);
  }

  /**
   * Creates the container's cgroup; of an adopted container, only checks that its cgroup exists.
   *
   * @throws IOException if a nested container's parent cgroup or an adopted cgroup does not exist
   */
  @Override
  public void create(ContainerId container) throws IOException {
    if (container.isNested() && !exists(container.parent().get())) {
      throw new IOException("Parent cgroup of " + container + " does not exist");
    }
    String cgroup = cgroupOf(container);
    if (!container.isNested() && adoptions.containsKey(container)) {
      if (!host.cgroupExists(cgroup)) {
        throw new IOException(
            "The adopted cgroup " + cgroup + " of " + container + " does not exist any more");
      }
      return;
    }
    host.createCgroup(cgroup);
  }

  @Override
  public void place(ContainerId container, long pid) throws IOException {
    if (!exists(container)) {
      throw new IOException("Cgroup of " + container + " does not exist");
    }
    host.move(pid, cgroupOf(container));
  }

  @Override
  public void kill(ContainerId container) {
    Set<Long> pids = pids(container);
    pids.forEach(host::exit);
    synchronized (kills) {
      kills.add(new Kill(container, pids));
    }
  }

  /**
   * Removes the container's cgroup subtree; of an adopted container, only the {@code mesos} cgroup
   * below the adopted one, then forgets the adoption.
   *
   * @throws IOException if a cgroup to remove holds a process; an adopted container then stays
   *     adopted
   */
  @Override
  public void remove(ContainerId container) throws IOException {
    String cgroup = cgroupOf(container);
    String adopted = container.isNested() ? null : adoptions.get(container);
    String removed = adopted == null ? cgroup : cgroup + "/mesos";
    if (host.cgroupExists(removed)) {
      try {
        host.removeCgroup(removed);
      } catch (IllegalStateException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    if (adopted != null) {
      adoptions.remove(container, adopted);
    }
  }

  /** True: the fake follows cgroups of its host outside its root, as the Linux trackers do. */
  @Override
  public boolean adoptsCgroups() {
    return true;
  }

  /**
   * Adopts a cgroup of the host outside the root, with the checks of {@link ProcessTracker#adopt},
   * in the same order.
   *
   * @throws IllegalStateException if the container is adopted at another cgroup, another container
   *     at this one, or the container has a cgroup under the root
   * @throws IOException naming the cgroup when the host has none there
   */
  @Override
  public void adopt(ContainerId container, String cgroup) throws IOException {
    if (container.isNested()) {
      throw new IllegalArgumentException(
          "Cannot adopt cgroup " + cgroup + " for nested container " + container);
    }
    ProcessTracker.checkCgroupPath(cgroup);
    String root = "/" + cgroupsRoot;
    if (cgroup.equals(root) || cgroup.startsWith(root + "/") || root.startsWith(cgroup + "/")) {
      throw new IllegalArgumentException(
          "Cannot adopt cgroup "
              + cgroup
              + ": it lies inside the cgroups root "
              + root
              + " or holds it");
    }
    synchronized (adoptions) {
      String existing = adoptions.get(container);
      if (cgroup.equals(existing)) {
        return;
      }
      if (existing != null) {
        throw new IllegalStateException(
            "Container " + container + " is adopted at " + existing + " already, not " + cgroup);
      }
      if (adoptions.containsValue(cgroup)) {
        throw new IllegalStateException(
            "Cgroup " + cgroup + " is adopted for another container already");
      }
      if (exists(container)) {
        throw new IllegalStateException(
            "Container "
                + container
                + " has a cgroup of the tracker's own, "
                + cgroupOf(container));
      }
      if (!host.cgroupExists(cgroup)) {
        throw new IOException("Cannot adopt cgroup " + cgroup + ": the host has no such cgroup");
      }
      adoptions.put(container, cgroup);
    }
  }

  @Override
  public Optional<String> adoptedCgroup(ContainerId container) {
    return container.isNested() ? Optional.empty() : Optional.ofNullable(adoptions.get(container));
  }

  /** {@return every kill so far, in order} */
  public List<Kill> kills() {
    synchronized (kills) {
      return List.copyOf(kills);
    }
  }
}
