package dev.portcullis.cgroups.v2;

import dev.portcullis.linux.CgroupTree;
import dev.portcullis.linux.Deadline;
import dev.portcullis.linux.Freezer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The v2 freezer: {@code cgroup.freeze} of a cgroup freezes it and every cgroup below it, and
 * {@code cgroup.events} reports {@code frozen 1} once the whole subtree has stopped.
 *
 * <p>Unlike v1, a frozen task that is sent SIGKILL dies at once (observed on Linux 6.18), so
 * thawing only matters for the processes that were not killed.
 */
final class UnifiedFreezer implements Freezer {

  private static final Duration POLL = Duration.ofMillis(1);

  @Override
  public boolean freeze(Path cgroup, Deadline deadline) throws IOException {
    CgroupTree.writeControl(cgroup.resolve(UnifiedHierarchy.FREEZE), "1");
    Path events = cgroup.resolve(UnifiedHierarchy.EVENTS);
    while (true) {
      if (CgroupTree.readControl(events).lines().anyMatch(line -> line.equals("frozen 1"))) {
        return true;
      }
      if (deadline.expired()) {
        return false;
      }
      deadline.sleep(POLL);
    }
  }

  @Override
  public void thaw(Path cgroup) throws IOException {
    CgroupTree.writeControl(cgroup.resolve(UnifiedHierarchy.FREEZE), "0");
  }
}
