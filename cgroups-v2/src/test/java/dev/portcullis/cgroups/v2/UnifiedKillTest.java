package dev.portcullis.cgroups.v2;

import static dev.portcullis.testkit.linux.TestProcesses.awaitDead;
import static dev.portcullis.testkit.linux.TestProcesses.awaitGone;
import static dev.portcullis.testkit.linux.TestProcesses.isGone;
import static dev.portcullis.testkit.linux.TestProcesses.startIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.testkit.linux.TestProcesses.UnreapedChild;
import dev.portcullis.testkit.linux.Listener;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Killing on the real unified hierarchy, with {@code cgroup.kill} and with the freezer fallback
 * that kernels before 5.14 need: nothing in the subtree survives, not even a task that keeps
 * forking, and nothing outside it is touched.
 */
@RequiresLinuxRoot
class UnifiedKillTest {

  private static final ContainerId VICTIM = ContainerId.of("victim");
  private static final ContainerId BYSTANDER = ContainerId.of("bystander");

  private static UnifiedProcessTracker tracker(ScratchCgroups scratch, boolean useCgroupKill) {
    return UnifiedCgroupsTest.tracker(scratch, UnifiedProcessTracker.REMOVE_BOUND, useCgroupKill);
  }

  /** The subtree is left thawed, so that the cgroup can be reused or removed. */
  private static void assertThawed(ScratchCgroups scratch) throws IOException {
    Path freeze = scratch.v2().orElseThrow().resolve("victim/cgroup.freeze");
    if (Files.exists(freeze)) {
      assertEquals("0", Files.readString(freeze).trim());
    }
  }

  @ParameterizedTest(name = "cgroup.kill={0}")
  @ValueSource(booleans = {true, false})
  void killsAPlainTaskAndSparesItsSibling(boolean useCgroupKill) throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = tracker(scratch, useCgroupKill);
      tracker.create(VICTIM);
      tracker.create(BYSTANDER);
      try (Listener victim = startIn(tracker, VICTIM, Listener.builder());
          Listener bystander = startIn(tracker, BYSTANDER, Listener.builder())) {
        tracker.kill(VICTIM);

        assertEquals(Set.of(), tracker.pids(VICTIM));
        assertTrue(awaitDead(victim), "the victim's process is gone");
        assertTrue(bystander.isAlive(), "the sibling container's process survives");
        assertEquals(Set.of(bystander.pid()), tracker.pids(BYSTANDER));
        assertThawed(scratch);
        tracker.remove(VICTIM);
        assertFalse(tracker.exists(VICTIM));
      }
    }
  }

  @ParameterizedTest(name = "cgroup.kill={0}")
  @ValueSource(booleans = {true, false})
  void killsAForkedTaskAndItsChild(boolean useCgroupKill) throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = tracker(scratch, useCgroupKill);
      tracker.create(VICTIM);
      try (Listener victim = startIn(tracker, VICTIM, Listener.builder().forked())) {
        tracker.kill(VICTIM);

        assertEquals(Set.of(), tracker.pids(VICTIM));
        assertTrue(awaitGone(victim.pids()), "parent and child are gone: " + victim.pids());
        assertTrue(awaitDead(victim));
        tracker.remove(VICTIM);
      }
    }
  }

  @ParameterizedTest(name = "cgroup.kill={0}")
  @ValueSource(booleans = {true, false})
  void killsATaskThatKeepsForking(boolean useCgroupKill) throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = tracker(scratch, useCgroupKill);
      tracker.create(VICTIM);
      tracker.create(BYSTANDER);
      try (Listener victim = startIn(tracker, VICTIM, Listener.builder().forkChain());
          Listener bystander = startIn(tracker, BYSTANDER, Listener.builder())) {
        Thread.sleep(100);
        Set<Long> holders = tracker.pids(VICTIM);
        assertFalse(holders.isEmpty());
        assertFalse(holders.contains(victim.pid()), "the chain has moved on from its first pid");

        tracker.kill(VICTIM);

        assertEquals(Set.of(), tracker.pids(VICTIM));
        Thread.sleep(100);
        assertEquals(Set.of(), tracker.pids(VICTIM), "no fork escaped the kill");
        assertTrue(awaitDead(victim));
        assertTrue(bystander.isAlive());
        assertThawed(scratch);
        tracker.remove(VICTIM);
        assertFalse(tracker.exists(VICTIM));
      }
    }
  }

  @ParameterizedTest(name = "cgroup.kill={0}")
  @ValueSource(booleans = {true, false})
  void killsNestedContainersWithTheirParent(boolean useCgroupKill) throws Exception {
    ContainerId task = VICTIM.child("task");
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = tracker(scratch, useCgroupKill);
      tracker.create(VICTIM);
      tracker.create(task);
      try (Listener executor = startIn(tracker, VICTIM, Listener.builder());
          Listener chain = startIn(tracker, task, Listener.builder().forkChain())) {
        tracker.kill(VICTIM);

        assertEquals(Set.of(), tracker.pids(VICTIM));
        assertTrue(awaitDead(executor));
        assertTrue(awaitDead(chain));
        tracker.remove(VICTIM);
        assertFalse(tracker.exists(task));
      }
    }
  }

  @ParameterizedTest(name = "cgroup.kill={0}")
  @ValueSource(booleans = {true, false})
  void killingAMissingContainerDoesNothing(boolean useCgroupKill) throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      tracker(scratch, useCgroupKill).kill(VICTIM);
    }
  }

  @ParameterizedTest(name = "cgroup.kill={0}")
  @ValueSource(booleans = {true, false})
  void aKilledProcessItsParentHasNotReapedIsNoSurvivor(boolean useCgroupKill) throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups();
        UnreapedChild parent = UnreapedChild.start()) {
      UnifiedProcessTracker tracker = tracker(scratch, useCgroupKill);
      tracker.create(VICTIM);
      tracker.place(VICTIM, parent.child());

      tracker.kill(VICTIM);

      assertTrue(isGone(parent.child()));
      String stat = Files.readString(Path.of("/proc", Long.toString(parent.child()), "stat"));
      assertTrue(stat.contains(") Z "), "a zombie until its parent reaps it: " + stat);
      assertEquals(Set.of(), tracker.pids(VICTIM));
      tracker.remove(VICTIM);
    }
  }
}
