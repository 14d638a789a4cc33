package dev.portcullis.testkit.linux;

import static dev.portcullis.testkit.linux.TestProcesses.startIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every cgroup {@link ProcessTracker} must do with its containers on the real kernel: the
 * Mesos layout, reading containers back, placing and listing processes of a whole subtree, and
 * removing bottom-up within a bound. A tracker's test class extends this and says how to make the
 * tracker and where its hierarchy is; every cgroup lives under the test's {@link ScratchCgroups}.
 */
@RequiresLinuxRoot
public abstract class ProcessTrackerLayoutContract {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final ContainerId TASK = EXECUTOR.child("task");

  /**
   * {@return a tracker under the scratch root that gives up removing after {@code removeBound}}
   *
   * @param scratch the test's scratch cgroups, whose {@link ScratchCgroups#name() name} is the root
   * @param removeBound how long the tracker's remove waits for a cgroup's processes to exit before
   *     it fails
   */
  protected abstract ProcessTracker tracker(ScratchCgroups scratch, Duration removeBound);

  /**
   * {@return a tracker under the scratch root with its default bounds} A test may ask for several:
   * each must read the same hierarchy.
   *
   * @param scratch the test's scratch cgroups, whose {@link ScratchCgroups#name() name} is the root
   */
  protected abstract ProcessTracker tracker(ScratchCgroups scratch);

  /**
   * {@return the scratch root's directory in this tracker's hierarchy, whether or not it exists
   * yet}
   *
   * @param scratch the test's scratch cgroups
   */
  protected abstract Path root(ScratchCgroups scratch);

  /**
   * Checks what makes {@code dir} a cgroup of this hierarchy. The default checks nothing.
   *
   * @param dir a directory the tracker created for a nested container
   */
  protected void assertIsCgroup(Path dir) {}

  @Test
  void createsContainersInTheMesosLayout() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
      Path root = root(scratch);
      assertFalse(tracker.exists(EXECUTOR));

      tracker.create(EXECUTOR);
      tracker.create(EXECUTOR);
      tracker.create(TASK);
      tracker.create(TASK.child("grandchild"));

      assertTrue(tracker.exists(EXECUTOR));
      assertTrue(tracker.exists(TASK));
      assertTrue(Files.isDirectory(root.resolve("executor")));
      assertTrue(Files.isDirectory(root.resolve("executor/mesos/task")));
      assertTrue(Files.isDirectory(root.resolve("executor/mesos/task/mesos/grandchild")));
      assertIsCgroup(root.resolve("executor/mesos/task"));
    }
  }

  @Test
  void readsEveryContainerBackFromTheHierarchy() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups();
        ScratchCgroups other = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
      Path root = root(scratch);
      assertEquals(Set.of(), tracker.containers());

      ContainerId grandchild = TASK.child("grandchild");
      ContainerId sibling = ContainerId.of("sibling");
      for (ContainerId id : List.of(EXECUTOR, TASK, grandchild, sibling)) {
        tracker.create(id);
      }
      // Cgroups outside the layout: the task's own sub-cgroups, and names that are not ids.
      Files.createDirectories(root.resolve("executor/workers/mesos/hidden"));
      Files.createDirectories(root.resolve("executor/mesos/not.an.id/mesos/below"));
      Files.createDirectories(root.resolve("system.slice"));
      // A container made by someone else, as after an agent restart.
      Files.createDirectories(root.resolve("orphan/mesos/child"));
      // Another agent's root is not this one's.
      tracker(other).create(ContainerId.of("elsewhere"));

      Set<ContainerId> expected =
          Set.of(
              EXECUTOR,
              TASK,
              grandchild,
              sibling,
              ContainerId.of("orphan"),
              ContainerId.parse("orphan.child"));
      assertEquals(expected, tracker.containers());
      assertEquals(expected, tracker(scratch).containers(), "a fresh tracker reads the same");
      assertEquals(Set.of(ContainerId.of("elsewhere")), tracker(other).containers());

      tracker.remove(EXECUTOR);
      assertEquals(
          Set.of(sibling, ContainerId.of("orphan"), ContainerId.parse("orphan.child")),
          tracker.containers());
    }
  }

  @Test
  void noContainersOnceTheRootIsGone() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
      tracker.create(EXECUTOR);
      tracker.remove(EXECUTOR);
      Files.delete(root(scratch));
      assertEquals(Set.of(), tracker.containers());
    }
  }

  @Test
  void aNestedContainerNeedsItsParent() {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
      IOException error = assertThrows(IOException.class, () -> tracker.create(TASK));
      assertTrue(error.getMessage().contains("executor does not exist"), error.getMessage());
    }
  }

  @Test
  void listsEveryProcessOfTheSubtree() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
      tracker.create(EXECUTOR);
      tracker.create(TASK);
      try (Listener executor = startIn(tracker, EXECUTOR, Listener.builder());
          Listener task = startIn(tracker, TASK, Listener.builder().forked())) {
        assertEquals(2, task.pids().size());
        Set<Long> all = new HashSet<>(task.pids());
        all.add(executor.pid());

        assertEquals(all, tracker.pids(EXECUTOR));
        assertEquals(Set.copyOf(task.pids()), tracker.pids(TASK));
        assertEquals(Set.of(), tracker.pids(ContainerId.of("absent")));
      }
    }
  }

  @Test
  void placingNeedsTheCgroupAndALiveProcess() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
      String executor = root(scratch).resolve("executor").toString();
      IOException missing =
          assertThrows(
              IOException.class, () -> tracker.place(EXECUTOR, ProcessHandle.current().pid()));
      assertTrue(missing.getMessage().contains(executor), missing.getMessage());

      tracker.create(EXECUTOR);
      Process exited = new ProcessBuilder("true").start();
      exited.waitFor();
      IOException dead =
          assertThrows(IOException.class, () -> tracker.place(EXECUTOR, exited.pid()));
      assertTrue(dead.getMessage().contains("No such process"), dead.getMessage());
      assertEquals(Set.of(), tracker.pids(EXECUTOR));
    }
  }

  @Test
  void removesTheSubtreeBottomUp() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch);
      tracker.create(EXECUTOR);
      tracker.create(TASK);
      tracker.create(ContainerId.of("sibling"));

      tracker.remove(EXECUTOR);

      assertFalse(tracker.exists(TASK));
      assertFalse(tracker.exists(EXECUTOR));
      assertTrue(tracker.exists(ContainerId.of("sibling")));
      assertEquals(Set.of(), tracker.cgroupIds(EXECUTOR));
      tracker.remove(EXECUTOR); // already gone: not an error
    }
  }

  @Test
  void removingACgroupThatStillHoldsAProcessFailsAfterTheBound() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      ProcessTracker tracker = tracker(scratch, Duration.ofMillis(300));
      tracker.create(EXECUTOR);
      tracker.create(TASK);
      try (Listener task = startIn(tracker, TASK, Listener.builder())) {
        long start = System.nanoTime();
        IOException error = assertThrows(IOException.class, () -> tracker.remove(EXECUTOR));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
        String executor = root(scratch).resolve("executor").toString();
        assertTrue(error.getMessage().contains(executor), error.getMessage());
        assertTrue(error.getMessage().contains(Long.toString(task.pid())), error.getMessage());
        assertTrue(tracker.exists(TASK), "the busy cgroup is left alone");
      }
    }
  }
}
