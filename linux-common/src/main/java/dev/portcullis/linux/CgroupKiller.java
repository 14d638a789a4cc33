package dev.portcullis.linux;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills every process of a cgroup subtree so that none survives, within a bound: a {@link Strike}
 * is repeated until the subtree is empty.
 *
 * <p>One strike is usually enough. It is repeated because a strike can miss a process: a freezer
 * that does not settle in time lets a task fork between the listing and the signal, and a process
 * can be moved in from outside at any moment.
 *
 * <p>Thread-safe: holds only its strike and bound.
 */
public final class CgroupKiller {

  private static final Logger LOG = LoggerFactory.getLogger(CgroupKiller.class);

  /** How long one strike waits for its victims to exit before striking again. */
  private static final Duration SETTLE = Duration.ofMillis(250);

  /** How long one strike waits for a freezer before killing what it can anyway. */
  private static final Duration FREEZE_PATIENCE = Duration.ofSeconds(1);

  private final Strike strike;
  private final Duration bound;

  /** One attempt at killing a subtree's processes, e.g. a write to {@code cgroup.kill}. */
  @FunctionalInterface
  public interface Strike {
    /**
     * Kills (or starts killing) the processes of the subtree at {@code cgroup}.
     *
     * @param cgroup the directory of the subtree's top cgroup
     * @param deadline when the whole kill gives up; a strike should not wait beyond it
     * @throws NoSuchFileException if the cgroup does not exist (any more)
     * @throws IOException if the strike fails otherwise, for example when the processes cannot be
     *     listed
     */
    void run(Path cgroup, Deadline deadline) throws IOException;
  }

  /**
   * Repeats {@code strike} until the subtree is empty, for at most {@code bound}.
   *
   * @param strike one attempt at killing the subtree's processes
   * @param bound how long a {@link #kill} may take in all before it fails naming the survivors
   */
  public CgroupKiller(Strike strike, Duration bound) {
    this.strike = strike;
    this.bound = bound;
  }

  /**
   * The classic strike: freeze the subtree so nothing forks, SIGKILL every process listed, thaw so
   * that the signals are delivered (a v1-frozen task dies only once thawed). The freezer is thawed
   * even when killing fails.
   *
   * <p>The processes are listed after the freeze, not before: a frozen process can neither fork nor
   * exit, so the list is complete and none of its pids can be recycled for an unrelated process
   * before the signal is sent. The freezer is waited for up to a second, or until the deadline if
   * that comes sooner. This JVM's own process is never signalled.
   *
   * @param freezer the freezer of the hierarchy the cgroup is in
   * @return the strike
   */
  public static Strike freezeKillThaw(Freezer freezer) {
    return (cgroup, deadline) -> {
      boolean frozen = false;
      try {
        frozen = freezer.freeze(cgroup, deadline.orSooner(FREEZE_PATIENCE));
        if (!frozen) {
          LOG.debug("{} did not freeze in time; killing what it holds anyway", cgroup);
        }
        long self = ProcessHandle.current().pid();
        for (long pid : CgroupTree.at(cgroup).pids()) {
          if (pid != self) { // the JDK refuses to kill its own process; it is reported instead
            Signals.kill(pid);
          }
        }
      } finally {
        thaw(freezer, cgroup);
      }
    };
  }

  private static void thaw(Freezer freezer, Path cgroup) throws IOException {
    try {
      freezer.thaw(cgroup);
    } catch (NoSuchFileException gone) {
      // Nothing left to thaw.
    }
  }

  /**
   * Kills every process in the subtree at {@code cgroup} and returns once none is left. A missing
   * cgroup has nothing to kill.
   *
   * @param cgroup the directory of the subtree's top cgroup
   * @throws IOException listing the processes still there after the bound
   */
  public void kill(Path cgroup) throws IOException {
    CgroupTree tree = CgroupTree.at(cgroup);
    Deadline deadline = Deadline.after(bound);
    for (int round = 1; ; round++) {
      Set<Long> left = tree.pids();
      if (left.isEmpty()) {
        return;
      }
      if (deadline.expired()) {
        throw new IOException(
            "Processes "
                + left
                + " remain in cgroup "
                + cgroup
                + " after trying to kill them for "
                + bound.toMillis()
                + " ms");
      }
      LOG.debug("Killing processes {} of {} (round {})", left, cgroup, round);
      try {
        strike.run(cgroup, deadline);
      } catch (NoSuchFileException e) {
        if (!tree.exists()) {
          return;
        }
        throw e;
      }
      tree.awaitEmpty(deadline.orSooner(SETTLE));
    }
  }
}
