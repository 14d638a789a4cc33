package dev.portcullis.cgroups.v2;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker on the real unified hierarchy: availability, cgroup ids, and the shared layout
 * contract (layout, placing, listing, removing).
 */
@RequiresLinuxRoot
class UnifiedCgroupsTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final ContainerId TASK = EXECUTOR.child("task");

  static UnifiedProcessTracker tracker(
      ScratchCgroups scratch, Duration removeBound, boolean useCgroupKill) {
    UnifiedProcessTracker tracker =
        new UnifiedProcessTracker(UnifiedProcessTracker.KILL_BOUND, removeBound, useCgroupKill);
    tracker.initialize(ProviderSettings.empty().with("cgroups_root", scratch.name()));
    return tracker;
  }

  static UnifiedProcessTracker tracker(ScratchCgroups scratch) {
    return tracker(scratch, UnifiedProcessTracker.REMOVE_BOUND, true);
  }

  private static long inode(Path dir) throws IOException, InterruptedException {
    Process stat = new ProcessBuilder("stat", "-c", "%i", dir.toString()).start();
    String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertEquals(0, stat.waitFor(), "stat " + dir);
    return Long.parseLong(out.trim());
  }

  @Test
  void isAvailableOnThisHostAndCreatesItsRoot() {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = tracker(scratch);
      assertEquals(Optional.empty(), tracker.unavailabilityCause());
      assertTrue(Files.isDirectory(scratch.v2().orElseThrow()));
    }
  }

  @Test
  void aBaseHoldingTheCgroup2MountIsAccepted() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = new UnifiedProcessTracker();
      tracker.initialize(
          ProviderSettings.empty()
              .with("cgroups_root", scratch.name())
              .with("cgroups_hierarchy", scratch.v2Mount().orElseThrow().getParent().toString()));
      assertTrue(tracker.isAvailable(), () -> tracker.unavailabilityCause().toString());
      tracker.create(EXECUTOR);
      assertTrue(Files.isDirectory(scratch.v2().orElseThrow().resolve("executor")));
    }
  }

  @Test
  void aBogusHierarchyIsUnavailableWithTheCause(@TempDir Path bogus) {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = new UnifiedProcessTracker();
      tracker.initialize(
          ProviderSettings.empty()
              .with("cgroups_root", scratch.name())
              .with("cgroups_hierarchy", bogus.toString()));
      Throwable cause = tracker.unavailabilityCause().orElseThrow();
      assertFalse(tracker.isAvailable());
      assertTrue(cause.getMessage().contains(bogus.toString()), cause.getMessage());
      assertTrue(cause.getMessage().contains("no cgroup2 hierarchy"), cause.getMessage());
      assertTrue(cause.getMessage().contains("/proc/self/mountinfo"), cause.getMessage());
      IOException use = assertThrows(IOException.class, () -> tracker.pids(EXECUTOR));
      assertTrue(use.getMessage().contains(bogus.toString()), use.getMessage());
    }
  }

  @Test
  void cgroupIdsAreTheInodesOfTheWholeSubtree() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = tracker(scratch);
      Path root = scratch.v2().orElseThrow();
      assertEquals(Set.of(), tracker.cgroupIds(EXECUTOR));

      tracker.create(EXECUTOR);
      tracker.create(TASK);
      tracker.create(ContainerId.of("sibling"));

      assertEquals(
          Set.of(
              inode(root.resolve("executor")),
              inode(root.resolve("executor/mesos")),
              inode(root.resolve("executor/mesos/task"))),
          tracker.cgroupIds(EXECUTOR));
      assertEquals(Set.of(inode(root.resolve("executor/mesos/task"))), tracker.cgroupIds(TASK));
    }
  }

  @Nested
  @RequiresLinuxRoot
  class Layout extends ProcessTrackerLayoutContract {
    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch, Duration removeBound) {
      return UnifiedCgroupsTest.tracker(scratch, removeBound, true);
    }

    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch) {
      return UnifiedCgroupsTest.tracker(scratch);
    }

    @Override
    protected Path root(ScratchCgroups scratch) {
      return scratch.v2().orElseThrow();
    }
  }
}
