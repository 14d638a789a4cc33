package dev.portcullis.cgroups.v1;

import dev.portcullis.linux.CgroupTree;
import dev.portcullis.linux.Deadline;
import dev.portcullis.linux.Freezer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The v1 freezer: {@code freezer.state} of a cgroup freezes it and every cgroup below it.
 *
 * <p>Freezing is not instant: the state reads {@code FREEZING} until every task has stopped, and a
 * task that was busy in the kernel may miss the request. Writing {@code FROZEN} again asks the
 * stragglers again, so a freeze that lingers is re-requested rather than waited on forever.
 *
 * <p>A frozen task that is sent SIGKILL stays frozen (state {@code D}, still listed in {@code
 * cgroup.procs}) until it is thawed, on Linux 6.18 as on older kernels; the caller must thaw.
 */
final class FreezerState implements Freezer {

  static final String FROZEN = "FROZEN";
  static final String THAWED = "THAWED";

  /** How long to wait for {@code FREEZING} to settle before asking again. */
  private static final Duration REQUEST_AGAIN = Duration.ofMillis(100);

  private static final Duration POLL = Duration.ofMillis(1);

  @Override
  public boolean freeze(Path cgroup, Deadline deadline) throws IOException {
    Path state = cgroup.resolve(FreezerHierarchy.STATE);
    while (true) {
      CgroupTree.writeControl(state, FROZEN);
      Deadline request = deadline.orSooner(REQUEST_AGAIN);
      while (true) {
        if (CgroupTree.readControl(state).trim().equals(FROZEN)) {
          return true;
        }
        if (request.expired()) {
          break;
        }
        request.sleep(POLL);
      }
      if (deadline.expired()) {
        return false;
      }
    }
  }

  @Override
  public void thaw(Path cgroup) throws IOException {
    CgroupTree.writeControl(cgroup.resolve(FreezerHierarchy.STATE), THAWED);
  }
}
