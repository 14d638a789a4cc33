package dev.portcullis.cgroups.v1;

import com.google.auto.service.AutoService;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.linux.CgroupKiller;
import dev.portcullis.linux.CgroupProcessTracker;
import dev.portcullis.linux.Lineage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProcessTracker} over the cgroup v1 freezer hierarchy, as the Mesos Linux launcher keeps
 * containers: {@code <freezer mount>/<cgroups_root>/<id>}, nested containers under {@code
 * .../mesos/<child>}. It kills a container by freezing its subtree, SIGKILLing every process and
 * thawing, repeated until none is left. It reports no cgroup ids: v1 sockets carry none.
 *
 * <p>Settings: {@code cgroups_hierarchy}, the base directory where the v1 hierarchies are mounted
 * (default: wherever the mount table has the freezer; when given, the freezer must be mounted at
 * {@code <base>/freezer}); {@code cgroups_root}, the subtree the agent owns (default {@value
 * ProcessTracker#DEFAULT_CGROUPS_ROOT}).
 *
 * <p>On a hybrid host a port guard works in the unified (v2) hierarchy, on the container's
 * directory in the same layout under the cgroup2 mount ({@code cgroups_hierarchy} finds the cgroup2
 * mount at or under it). When such a directory exists for the container or, failing that, for its
 * nearest ancestor (a nested container is covered by its root's guard), {@link #place} also moves
 * the process there before it returns, and fails naming that directory if it cannot, so that a
 * guarded process never runs unguarded; {@link #remove} removes the container's own v2 directory
 * too. The tracker never creates a v2 directory: without a v2 hierarchy or a guard's directory it
 * works as it does alone, and its availability never depends on v2.
 *
 * <p>An {@linkplain #adopt adopted} cgroup is looked for in the freezer hierarchy, which is where
 * the tracker kills; its directory in the unified hierarchy is the one at the same path, as an
 * engine on a hybrid host (podman, the kubelet) keeps a container at the same path in both. {@link
 * #place} also moves a process into that v2 directory, or into the v2 directory of its container or
 * nearest ancestor below it, when there is one; {@link #remove} of the adopted container leaves the
 * adopted directory in both hierarchies, removing only the {@code mesos} directories below.
 *
 * <p>Thread-safe: the settings are fixed by {@link #initialize}, and the adoptions are kept in a
 * concurrent map.
 */
@AutoService(ProcessTracker.class)
public final class FreezerProcessTracker extends CgroupProcessTracker {

  private static final Logger LOG = LoggerFactory.getLogger(FreezerProcessTracker.class);

  static final String NAME = "cgroups-v1";

  /** After {@code cgroups-v2}: v1 cannot report the cgroup ids the fast path needs. */
  static final int ORDER = 200;

  private volatile UnifiedMirror mirror;

  /** A tracker with the default settings until {@link #initialize} gives others. */
  public FreezerProcessTracker() {
    this(KILL_BOUND, REMOVE_BOUND);
  }

  /** A tracker with other bounds on killing and removing, so that tests of failures are quick. */
  FreezerProcessTracker(Duration killBound, Duration removeBound) {
    super(NAME, ORDER, FreezerHierarchy::new, FreezerHierarchy::checkRoot, killBound, removeBound);
    this.mirror = UnifiedMirror.fromSettings(ProviderSettings.empty());
  }

  /** Takes the freezer's settings, and the same for the guards' directories in v2. */
  @Override
  public void initialize(ProviderSettings settings) {
    super.initialize(settings);
    mirror = UnifiedMirror.fromSettings(settings);
  }

  @Override
  public boolean reportsCgroupIds() {
    return false;
  }

  @Override
  public Set<Long> cgroupIds(ContainerId container) {
    return Set.of();
  }

  /**
   * Once the process is in the container's freezer cgroup, moves it into the v2 directory that
   * guards the container, if there is one.
   *
   * <p>The freezer comes first so that, whatever fails after it, the process is in the container
   * that {@link #kill} reaches: a launcher that sees this fail can still kill it with the
   * container. Children the process forks before this returns may miss the v2 directory, so a
   * launcher places a process that waits to be released, as the agent does.
   *
   * @throws IOException if the process cannot be moved into the guard's directory (the message
   *     names it)
   */
  @Override
  protected void placed(Lineage lineage, long pid) throws IOException {
    mirror.place(lineage, pid);
  }

  /** Freeze, SIGKILL every process, thaw: the only way v1 has. */
  @Override
  protected CgroupKiller.Strike strike(ContainerId container, Path cgroup) {
    LOG.debug("Killing container {} ({})", container, cgroup);
    return CgroupKiller.freezeKillThaw(new FreezerState());
  }

  /**
   * Once the container's freezer subtree is removed, removes its v2 directory's subtree if it has
   * one, within the remove bound; of an adopted container, only the {@code mesos} directory below
   * its v2 directory. The processes in the v2 directory were placed through the freezer subtree, so
   * once that is empty this removal seldom has anything left to wait for.
   *
   * @throws IOException naming the directory that still holds processes after the bound
   */
  @Override
  protected void removed(Lineage lineage) throws IOException {
    mirror.remove(lineage, removeBound());
  }
}
