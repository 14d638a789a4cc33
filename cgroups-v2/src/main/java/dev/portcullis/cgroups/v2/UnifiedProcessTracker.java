package dev.portcullis.cgroups.v2;

import com.google.auto.service.AutoService;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.linux.CgroupKiller;
import dev.portcullis.linux.CgroupProcessTracker;
import dev.portcullis.linux.CgroupTree;
import dev.portcullis.linux.UnifiedMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProcessTracker} over the unified (v2) cgroup hierarchy, in the Mesos layout: {@code
 * <cgroup2 mount>/<cgroups_root>/<id>}, nested containers under {@code .../mesos/<child>}. It kills
 * a container with {@code cgroup.kill}, which the kernel applies to the whole subtree and to
 * processes forked meanwhile; on kernels without it, by freezing, SIGKILLing and thawing. It
 * reports each container's cgroup ids (directory inodes), which sockets carry, so the core can
 * attribute sockets without reading every process's descriptors.
 *
 * <p>Settings: {@code cgroups_hierarchy}, the base directory where hierarchies are mounted
 * (default: wherever the mount table has cgroup2; when given, the cgroup2 mount at or under it);
 * {@code cgroups_root}, the subtree the agent owns (default {@value
 * ProcessTracker#DEFAULT_CGROUPS_ROOT}).
 *
 * <p>Thread-safe: the settings are fixed by {@link #initialize} and nothing else is kept.
 */
@AutoService(ProcessTracker.class)
public final class UnifiedProcessTracker extends CgroupProcessTracker {

  private static final Logger LOG = LoggerFactory.getLogger(UnifiedProcessTracker.class);

  static final String NAME = "cgroups-v2";

  /** Before {@code cgroups-v1}: only v2 gives the cgroup ids the fast path needs. */
  static final int ORDER = 100;

  private final boolean useCgroupKill;

  /** A tracker with the default settings until {@link #initialize} gives others. */
  public UnifiedProcessTracker() {
    this(KILL_BOUND, REMOVE_BOUND, true);
  }

  /**
   * A tracker with other bounds on killing and removing, so that tests of failures are quick, and
   * that may ignore {@code cgroup.kill}, so that tests reach the freezer path older kernels take.
   */
  UnifiedProcessTracker(Duration killBound, Duration removeBound, boolean useCgroupKill) {
    super(NAME, ORDER, UnifiedMount::new, UnifiedHierarchy::checkRoot, killBound, removeBound);
    this.useCgroupKill = useCgroupKill;
  }

  @Override
  public boolean reportsCgroupIds() {
    return true;
  }

  /** The inode of every directory of the subtree: on cgroup2 a cgroup's id is its inode. */
  @Override
  public Set<Long> cgroupIds(ContainerId container) throws IOException {
    return CgroupTree.at(cgroup(container)).inodes();
  }

  /** {@code cgroup.kill} where the kernel has it (Linux 5.14), else freeze, SIGKILL and thaw. */
  @Override
  protected CgroupKiller.Strike strike(ContainerId container, Path cgroup) {
    boolean cgroupKill = useCgroupKill && Files.exists(cgroup.resolve(UnifiedHierarchy.KILL));
    LOG.debug(
        "Killing container {} ({}) with {}",
        container,
        cgroup,
        cgroupKill ? UnifiedHierarchy.KILL : "the freezer");
    return cgroupKill
        ? (dir, deadline) -> CgroupTree.writeControl(dir.resolve(UnifiedHierarchy.KILL), "1")
        : CgroupKiller.freezeKillThaw(new UnifiedFreezer());
  }
}
