package dev.portcullis.cgroups.v2;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.testkit.linux.ProcessTrackerAdoptionContract;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/**
 * Adopting a cgroup outside the root on the real unified hierarchy, killing it with {@code
 * cgroup.kill} and with the freezer fallback that kernels before 5.14 need.
 */
@RequiresLinuxRoot
class UnifiedAdoptionTest {

  @Nested
  @RequiresLinuxRoot
  class WithCgroupKill extends ProcessTrackerAdoptionContract {
    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch) {
      return UnifiedCgroupsTest.tracker(scratch, UnifiedProcessTracker.REMOVE_BOUND, true);
    }

    @Override
    protected Path hierarchy(ScratchCgroups cgroups) {
      return cgroups.v2().orElseThrow();
    }
  }

  @Nested
  @RequiresLinuxRoot
  class WithTheFreezer extends ProcessTrackerAdoptionContract {
    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch) {
      return UnifiedCgroupsTest.tracker(scratch, UnifiedProcessTracker.REMOVE_BOUND, false);
    }

    @Override
    protected Path hierarchy(ScratchCgroups cgroups) {
      return cgroups.v2().orElseThrow();
    }
  }
}
