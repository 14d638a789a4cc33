package dev.portcullis.cgroups.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.testkit.linux.ProcessTrackerLayoutContract;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker on the real freezer hierarchy: availability, no cgroup ids, and the shared layout
 * contract (layout, placing, listing, removing).
 */
@RequiresLinuxRoot
class FreezerCgroupsTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final ContainerId TASK = EXECUTOR.child("task");

  static FreezerProcessTracker tracker(ScratchCgroups scratch, Duration removeBound) {
    FreezerProcessTracker tracker =
        new FreezerProcessTracker(FreezerProcessTracker.KILL_BOUND, removeBound);
    tracker.initialize(ProviderSettings.empty().with("cgroups_root", scratch.name()));
    return tracker;
  }

  static FreezerProcessTracker tracker(ScratchCgroups scratch) {
    return tracker(scratch, FreezerProcessTracker.REMOVE_BOUND);
  }

  @Test
  void isAvailableOnThisHostAndCreatesItsRoot() {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = tracker(scratch);
      assertEquals(Optional.empty(), tracker.unavailabilityCause());
      assertTrue(Files.isDirectory(scratch.freezer().orElseThrow()));
    }
  }

  @Test
  void aBaseHoldingTheFreezerMountIsAccepted() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = new FreezerProcessTracker();
      tracker.initialize(
          ProviderSettings.empty()
              .with("cgroups_root", scratch.name())
              .with("cgroups_hierarchy", scratch.freezerMount().orElseThrow().getParent() + "/"));
      assertTrue(tracker.isAvailable(), () -> tracker.unavailabilityCause().toString());
      tracker.create(EXECUTOR);
      assertTrue(Files.isDirectory(scratch.freezer().orElseThrow().resolve("executor")));
    }
  }

  @Test
  void aBogusHierarchyIsUnavailableWithTheCause(@TempDir Path bogus) {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = new FreezerProcessTracker();
      tracker.initialize(
          ProviderSettings.empty()
              .with("cgroups_root", scratch.name())
              .with("cgroups_hierarchy", bogus.toString()));
      Throwable cause = tracker.unavailabilityCause().orElseThrow();
      assertFalse(tracker.isAvailable());
      assertTrue(
          cause.getMessage().contains(bogus.resolve("freezer").toString()), cause.getMessage());
      assertTrue(cause.getMessage().contains("/proc/self/mountinfo"), cause.getMessage());
      assertFalse(Files.exists(bogus.resolve("freezer")), "nothing made where nothing is mounted");
      IOException use = assertThrows(IOException.class, () -> tracker.create(EXECUTOR));
      assertTrue(use.getMessage().contains(bogus.toString()), use.getMessage());
    }
  }

  @Test
  void reportsNoCgroupIds() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = tracker(scratch);
      tracker.create(EXECUTOR);
      assertFalse(tracker.reportsCgroupIds());
      assertEquals(Set.of(), tracker.cgroupIds(EXECUTOR));
    }
  }

  @Nested
  @RequiresLinuxRoot
  class Layout extends ProcessTrackerLayoutContract {
    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch, Duration removeBound) {
      return FreezerCgroupsTest.tracker(scratch, removeBound);
    }

    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch) {
      return FreezerCgroupsTest.tracker(scratch);
    }

    @Override
    protected Path root(ScratchCgroups scratch) {
      return scratch.freezer().orElseThrow();
    }

    /** A freezer cgroup has its state file. */
    @Override
    protected void assertIsCgroup(Path dir) {
      assertTrue(Files.isRegularFile(dir.resolve("freezer.state")));
    }
  }
}
