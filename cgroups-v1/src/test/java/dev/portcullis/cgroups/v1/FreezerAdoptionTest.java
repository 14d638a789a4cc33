package dev.portcullis.cgroups.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.testkit.linux.ProcessTrackerAdoptionContract;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Adopting a cgroup outside the root on the real freezer hierarchy: with an engine that keeps its
 * container in the freezer only, and with one that keeps it at the same path in the unified
 * hierarchy too, as podman does on a hybrid host, where placements are mirrored there.
 */
@RequiresLinuxRoot
class FreezerAdoptionTest {

  @Nested
  @RequiresLinuxRoot
  class FreezerOnly extends ProcessTrackerAdoptionContract {
    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch) {
      return FreezerCgroupsTest.tracker(scratch);
    }

    @Override
    protected Path hierarchy(ScratchCgroups cgroups) {
      return cgroups.freezer().orElseThrow();
    }
  }

  @Nested
  @RequiresLinuxRoot
  class Hybrid extends ProcessTrackerAdoptionContract {
    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch) {
      return FreezerCgroupsTest.tracker(scratch);
    }

    @Override
    protected Path hierarchy(ScratchCgroups cgroups) {
      return cgroups.freezer().orElseThrow();
    }

    @Override
    protected List<Path> otherHierarchies(ScratchCgroups cgroups) {
      return List.of(cgroups.v2().orElseThrow());
    }

    @Test
    void aPlacedProcessJoinsTheAdoptedCgroupInV2Too() throws Exception {
      ProcessTracker tracker = tracker(scratch());
      ContainerId adopted = ContainerId.of("adopted");
      ContainerId task = adopted.child("task");
      tracker.adopt(adopted, engineCgroup("libpod-abc"));
      Path v1 = engine().freezer().orElseThrow().resolve("libpod-abc");
      Path v2 = engine().v2().orElseThrow().resolve("libpod-abc");

      Process executor = sleep();
      tracker.place(adopted, executor.pid());
      assertEquals(Set.of(executor.pid()), procs(v1));
      assertEquals(Set.of(executor.pid()), procs(v2), "mirrored at the same path");

      tracker.create(task);
      Process nested = sleep();
      tracker.place(task, nested.pid());
      assertEquals(Set.of(nested.pid()), procs(v1.resolve("mesos/task")));
      assertEquals(Set.of(executor.pid(), nested.pid()), procs(v2), "covered by the adopted one");
      assertFalse(Files.exists(v2.resolve("mesos")), "nothing made in v2");

      Path taskV2 = Files.createDirectories(v2.resolve("mesos/task"));
      Process later = sleep();
      tracker.place(task, later.pid());
      assertEquals(Set.of(later.pid()), procs(taskV2), "its own v2 directory is nearer");

      tracker.kill(adopted);
      assertEquals(Set.of(), procs(v2));
      tracker.remove(adopted);
      assertFalse(Files.exists(taskV2), "the v2 directories below the adopted one go");
      assertFalse(Files.exists(v1.resolve("mesos")));
      assertTrue(Files.isDirectory(v1), "the adopted cgroup stays in the freezer");
      assertTrue(Files.isDirectory(v2), "and in v2");
    }
  }
}
