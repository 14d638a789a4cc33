package dev.portcullis.cgroups.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.testkit.linux.ProcessTrackerKillContract;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/**
 * Killing on the real unified hierarchy, with {@code cgroup.kill} and with the freezer fallback
 * that kernels before 5.14 need.
 */
@RequiresLinuxRoot
class UnifiedKillTest {

  private static UnifiedProcessTracker tracker(ScratchCgroups scratch, boolean useCgroupKill) {
    return UnifiedCgroupsTest.tracker(scratch, UnifiedProcessTracker.REMOVE_BOUND, useCgroupKill);
  }

  /** The subtree is left thawed, so that the cgroup can be reused or removed. */
  private static void assertThawed(ScratchCgroups scratch, String relative) throws IOException {
    Path freeze = scratch.v2().orElseThrow().resolve(relative).resolve("cgroup.freeze");
    if (Files.exists(freeze)) {
      assertEquals("0", Files.readString(freeze).trim());
    }
  }

  @Nested
  @RequiresLinuxRoot
  class WithCgroupKill extends ProcessTrackerKillContract {
    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch) {
      return UnifiedKillTest.tracker(scratch, true);
    }

    @Override
    protected void assertLeftUsable(ScratchCgroups scratch, String relative) throws IOException {
      assertThawed(scratch, relative);
    }
  }

  @Nested
  @RequiresLinuxRoot
  class WithTheFreezer extends ProcessTrackerKillContract {
    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch) {
      return UnifiedKillTest.tracker(scratch, false);
    }

    @Override
    protected void assertLeftUsable(ScratchCgroups scratch, String relative) throws IOException {
      assertThawed(scratch, relative);
    }
  }
}
