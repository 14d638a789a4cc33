package dev.portcullis.cgroups.v1;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.testkit.linux.ProcessTrackerKillContract;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;

/** Killing on the real freezer hierarchy: freeze, SIGKILL every process, thaw. */
@RequiresLinuxRoot
class FreezerKillTest extends ProcessTrackerKillContract {

  @Override
  protected ProcessTracker tracker(ScratchCgroups scratch) {
    return FreezerCgroupsTest.tracker(scratch);
  }
}
