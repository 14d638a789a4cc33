package dev.portcullis.testkit;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link ProcessTracker} over a {@link HostModel}, laid out as Mesos does ({@code
 * /<cgroups_root>/<id>}, nested {@code <parent>/mesos/<child>}), recording every kill.
 *
 * @since 0.1
 */
public final class FakeProcessTracker implements ProcessTracker {

  /** The provider name of every fake process tracker. */
  public static final String NAME = "testkit";

  /** The cgroups root used when none is given: the real trackers' default. */
  public static final String DEFAULT_ROOT = DEFAULT_CGROUPS_ROOT;

  private final HostModel host;
  private final String cgroupsRoot;
  private final boolean reportsCgroupIds;
  private final List<Kill> kills = new ArrayList<>();

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
   * {@code /mesos/<child>} for each level of nesting, whether or not that cgroup exists}
   *
   * @param container the container to locate
   */
  public String cgroupOf(ContainerId container) {
    StringBuilder path = new StringBuilder("/").append(cgroupsRoot);
    for (ContainerId id : container.lineage()) {
      if (id.isNested()) {
        path.append("/mesos");
      }
      path.append('/').append(id.value());
    }
    return path.toString();
  }

  @Override
  public boolean reportsCgroupIds() {
    return reportsCgroupIds;
  }

  @Override
  public Set<Long> cgroupIds(ContainerId container) {
    return reportsCgroupIds ? host.subtreeCgroupIds(cgroupOf(container)) : Set.of();
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
   * names that are not container id values, and everything below either are left out.
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

  @Override
  public void create(ContainerId container) throws IOException {
    if (container.isNested() && !exists(container.parent().get())) {
      throw new IOException("Parent cgroup of " + container + " does not exist");
    }
    host.createCgroup(cgroupOf(container));
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

  @Override
  public void remove(ContainerId container) throws IOException {
    if (!exists(container)) {
      return;
    }
    try {
      host.removeCgroup(cgroupOf(container));
    } catch (IllegalStateException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** {@return every kill so far, in order} */
  public List<Kill> kills() {
    synchronized (kills) {
      return List.copyOf(kills);
    }
  }
}
