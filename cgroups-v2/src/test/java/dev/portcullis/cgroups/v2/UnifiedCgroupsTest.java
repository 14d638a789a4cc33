package dev.portcullis.cgroups.v2;

import static dev.portcullis.testkit.linux.TestProcesses.startIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.testkit.linux.Listener;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker on the real unified hierarchy: availability, layout, cgroup ids, placing, listing,
 * removing.
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
  void createsContainersInTheMesosLayout() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = tracker(scratch);
      Path root = scratch.v2().orElseThrow();
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
    }
  }

  @Test
  void readsEveryContainerBackFromTheHierarchy() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups();
        ScratchCgroups other = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = tracker(scratch);
      Path root = scratch.v2().orElseThrow();
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
      UnifiedProcessTracker tracker = tracker(scratch);
      tracker.create(EXECUTOR);
      tracker.remove(EXECUTOR);
      Files.delete(scratch.v2().orElseThrow());
      assertEquals(Set.of(), tracker.containers());
    }
  }

  @Test
  void aNestedContainerNeedsItsParent() {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = tracker(scratch);
      IOException error = assertThrows(IOException.class, () -> tracker.create(TASK));
      assertTrue(error.getMessage().contains("executor does not exist"), error.getMessage());
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

  @Test
  void listsEveryProcessOfTheSubtree() throws IOException {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      UnifiedProcessTracker tracker = tracker(scratch);
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
      UnifiedProcessTracker tracker = tracker(scratch);
      String executor = scratch.v2().orElseThrow().resolve("executor").toString();
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
      UnifiedProcessTracker tracker = tracker(scratch);
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
      UnifiedProcessTracker tracker = tracker(scratch, Duration.ofMillis(300), true);
      tracker.create(EXECUTOR);
      tracker.create(TASK);
      try (Listener task = startIn(tracker, TASK, Listener.builder())) {
        long start = System.nanoTime();
        IOException error = assertThrows(IOException.class, () -> tracker.remove(EXECUTOR));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
        String executor = scratch.v2().orElseThrow().resolve("executor").toString();
        assertTrue(error.getMessage().contains(executor), error.getMessage());
        assertTrue(error.getMessage().contains(Long.toString(task.pid())), error.getMessage());
        assertTrue(tracker.exists(TASK), "the busy cgroup is left alone");
      }
    }
  }
}
