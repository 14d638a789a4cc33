package dev.portcullis.cgroups.v1;

import com.google.auto.service.AutoService;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.linux.CgroupKiller;
import dev.portcullis.linux.ContainerCgroups;
import dev.portcullis.linux.ContainerIds;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProcessTracker} over the cgroup v1 freezer hierarchy, as the Mesos Linux launcher
 * keeps containers: {@code <freezer mount>/<cgroups_root>/<id>}, nested containers under {@code
 * .../mesos/<child>}. It kills a container by freezing its subtree, SIGKILLing every process and
 * thawing, repeated until none is left. It reports no cgroup ids: v1 sockets carry none.
 *
 * <p>Settings: {@code cgroups_hierarchy}, the base directory where the v1 hierarchies are mounted
 * (default: wherever the mount table has the freezer; when given, the freezer must be mounted at
 * {@code <base>/freezer}); {@code cgroups_root}, the subtree the agent owns (default {@value
 * ContainerCgroups#DEFAULT_ROOT}).
 *
 * <p>Thread-safe: the settings are fixed by {@link #initialize} and nothing else is kept.
 */
@AutoService(ProcessTracker.class)
public final class FreezerProcessTracker implements ProcessTracker {

  private static final Logger LOG = LoggerFactory.getLogger(FreezerProcessTracker.class);

  static final String NAME = "cgroups-v1";
  static final Duration KILL_BOUND = Duration.ofSeconds(10);
  static final Duration REMOVE_BOUND = Duration.ofSeconds(5);

  private final Duration killBound;
  private final Duration removeBound;
  private volatile ContainerCgroups cgroups;

  /** A tracker with the default settings until {@link #initialize} gives others. */
  public FreezerProcessTracker() {
    this(KILL_BOUND, REMOVE_BOUND);
  }

  /** A tracker with other bounds on killing and removing, so that tests of failures are quick. */
  FreezerProcessTracker(Duration killBound, Duration removeBound) {
    this.killBound = killBound;
    this.removeBound = removeBound;
    this.cgroups = containers(ProviderSettings.empty());
  }

  private static ContainerCgroups containers(ProviderSettings settings) {
    return ContainerCgroups.fromSettings(settings, FreezerHierarchy::new, FreezerHierarchy::checkRoot);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** After {@code cgroups-v2}: v1 cannot report the cgroup ids the fast path needs. */
  @Override
  public int order() {
    return 200;
  }

  @Override
  public void initialize(ProviderSettings settings) {
    cgroups = containers(settings);
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return cgroups.unavailabilityCause();
  }

  @Override
  public boolean reportsCgroupIds() {
    return false;
  }

  @Override
  public Set<Long> cgroupIds(ContainerId container) {
    return Set.of();
  }

  @Override
  public Set<Long> pids(ContainerId container) throws IOException {
    return cgroups.pids(ContainerIds.lineage(container));
  }

  @Override
  public boolean exists(ContainerId container) throws IOException {
    return cgroups.exists(ContainerIds.lineage(container));
  }

  /** The containers {@link ContainerCgroups#containers} reads back from the Mesos layout. */
  @Override
  public Set<ContainerId> containers() throws IOException {
    return ContainerIds.containers(cgroups);
  }

  @Override
  public void create(ContainerId container) throws IOException {
    cgroups.create(ContainerIds.lineage(container));
  }

  @Override
  public void place(ContainerId container, long pid) throws IOException {
    cgroups.place(ContainerIds.lineage(container), pid);
  }

  @Override
  public void kill(ContainerId container) throws IOException {
    Path cgroup = cgroups.path(ContainerIds.lineage(container));
    LOG.debug("Killing container {} ({})", container, cgroup);
    new CgroupKiller(CgroupKiller.freezeKillThaw(new FreezerState()), killBound).kill(cgroup);
  }

  @Override
  public void remove(ContainerId container) throws IOException {
    cgroups.remove(ContainerIds.lineage(container), removeBound);
  }
}
