package dev.portcullis.testkit.linux;

import static dev.portcullis.testkit.linux.TestProcesses.awaitDead;
import static dev.portcullis.testkit.linux.TestProcesses.awaitGone;
import static dev.portcullis.testkit.linux.TestProcesses.isGone;
import static dev.portcullis.testkit.linux.TestProcesses.startIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.testkit.linux.TestProcesses.UnreapedChild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ProcessTracker} must do when it kills, on the real kernel: nothing in the
 * subtree survives — not a forked child, not a task that keeps forking, not a nested container —
 * and nothing outside it is touched. A tracker's test class extends this and says how to make the
 * tracker; every cgroup lives under the test's {@link ScratchCgroups}.
 */
@RequiresLinuxRoot
public abstract class ProcessTrackerKillContract {

  private static final ContainerId VICTIM = ContainerId.of("victim");
  private static final ContainerId BYSTANDER = ContainerId.of("bystander");

  /**
   * {@return a tracker initialized with {@code cgroups_root} = the scratch root's name} Each test
   * asks for one.
   *
   * @param scratch the test's scratch cgroups, whose {@link ScratchCgroups#name() name} is the root
   */
  protected abstract ProcessTracker tracker(ScratchCgroups scratch);

  /**
   * Checks, after a kill, that the victim's cgroup at {@code relative} (under the scratch root) is
   * left usable, for example thawed. The default checks nothing.
   *
   * @param scratch the test's scratch cgroups
   * @param relative the victim's cgroup, relative to the scratch root, such as {@code victim}
   * @throws IOException if the cgroup's files cannot be read
   */
  protected void assertLeftUsable(ScratchCgroups scratch, String relative) throws IOException {}

  @Test
  void killsAPlainTaskAndSparesItsSibling() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
      tracker.create(VICTIM);
      tracker.create(BYSTANDER);
      try (Listener victim = startIn(tracker, VICTIM, Listener.builder());
          Listener bystander = startIn(tracker, BYSTANDER, Listener.builder())) {
        tracker.kill(VICTIM);

        assertEquals(Set.of(), tracker.pids(VICTIM));
        assertTrue(awaitDead(victim), "the victim's process is gone");
        assertTrue(bystander.isAlive(), "the sibling container's process survives");
        assertEquals(Set.of(bystander.pid()), tracker.pids(BYSTANDER));
        assertLeftUsable(scratch, VICTIM.value());
        tracker.remove(VICTIM);
        assertFalse(tracker.exists(VICTIM));
      }
    }
  }

  @Test
  void killsAForkedTaskAndItsChild() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
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

  @Test
  void killsATaskThatKeepsForking() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
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
        assertLeftUsable(scratch, VICTIM.value());
        tracker.remove(VICTIM);
        assertFalse(tracker.exists(VICTIM));
      }
    }
  }

  @Test
  void killsNestedContainersWithTheirParent() throws Exception {
    ContainerId task = VICTIM.child("task");
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
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

  @Test
  void killingAMissingContainerDoesNothing() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      tracker(scratch).kill(VICTIM);
    }
  }

  @Test
  void aKilledProcessItsParentHasNotReapedIsNoSurvivor() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups();
        UnreapedChild parent = UnreapedChild.start()) {
      ProcessTracker tracker = tracker(scratch);
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
