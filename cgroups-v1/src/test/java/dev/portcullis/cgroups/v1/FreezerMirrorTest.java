package dev.portcullis.cgroups.v1;

import static dev.portcullis.testkit.linux.TestProcesses.awaitDead;
import static dev.portcullis.testkit.linux.TestProcesses.startIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.testkit.linux.Listener;
import dev.portcullis.testkit.linux.ProcessTrackerKillContract;
import dev.portcullis.testkit.linux.ProcessTrackerLayoutContract;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The tracker on a hybrid host, where a port guard holds a container's processes in a v2 directory:
 * placements mirrored there, to the nearest guarded ancestor, never a directory made, the directory
 * removed with its container, and the shared kill and layout contracts with a guard on every
 * top-level container. Each test makes the v2 directories a guard would.
 */
@RequiresLinuxRoot
class FreezerMirrorTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final ContainerId TASK = EXECUTOR.child("task");
  private static final ContainerId GRANDCHILD = TASK.child("grandchild");

  /** The processes directly in a cgroup, as the kernel lists them. */
  private static Set<Long> procs(Path cgroup) throws IOException {
    try (Stream<String> lines = Files.lines(cgroup.resolve("cgroup.procs"))) {
      return lines.map(Long::parseLong).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Path v1(ScratchCgroups scratch) {
    return scratch.freezer().orElseThrow();
  }

  private static Path v2(ScratchCgroups scratch) {
    return scratch.v2().orElseThrow();
  }

  /** Makes the container's v2 directory, as a port guard does when it is installed. */
  private static Path guard(ScratchCgroups scratch, String relative) throws IOException {
    return Files.createDirectories(v2(scratch).resolve(relative));
  }

  @Test
  void aPlacedProcessAndItsChildrenAreInBothHierarchies() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = FreezerCgroupsTest.tracker(scratch);
      tracker.create(EXECUTOR);
      Path guard = guard(scratch, "executor");
      try (Listener task = startIn(tracker, EXECUTOR, Listener.builder().forked())) {
        Set<Long> parentAndChild = Set.copyOf(task.pids());
        assertEquals(2, parentAndChild.size());
        assertEquals(parentAndChild, procs(v1(scratch).resolve("executor")));
        assertEquals(parentAndChild, procs(guard));
        assertEquals(parentAndChild, tracker.pids(EXECUTOR));
      }
    }
  }

  @Test
  void aNestedContainersProcessJoinsItsNearestGuardedAncestor() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = FreezerCgroupsTest.tracker(scratch);
      tracker.create(EXECUTOR);
      tracker.create(TASK);
      tracker.create(GRANDCHILD);
      Path executorGuard = guard(scratch, "executor");
      try (Listener task = startIn(tracker, TASK, Listener.builder())) {
        assertEquals(Set.of(task.pid()), procs(v1(scratch).resolve("executor/mesos/task")));
        assertEquals(Set.of(task.pid()), procs(executorGuard), "covered by its root's guard");
        assertFalse(Files.exists(executorGuard.resolve("mesos")), "nothing made for the task");

        Path taskDir = guard(scratch, "executor/mesos/task");
        try (Listener grandchild = startIn(tracker, GRANDCHILD, Listener.builder())) {
          assertEquals(Set.of(grandchild.pid()), procs(taskDir), "the nearer directory wins");
          assertEquals(Set.of(task.pid()), procs(executorGuard));
          assertFalse(Files.exists(taskDir.resolve("mesos")));
        }
      }
    }
  }

  @Test
  void withoutAGuardDirectoryNothingIsCreatedInV2() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = FreezerCgroupsTest.tracker(scratch);
      tracker.create(EXECUTOR);
      tracker.create(TASK);
      try (Listener executor = startIn(tracker, EXECUTOR, Listener.builder());
          Listener task = startIn(tracker, TASK, Listener.builder())) {
        assertEquals(Set.of(executor.pid()), procs(v1(scratch).resolve("executor")));
        assertEquals(Set.of(task.pid()), procs(v1(scratch).resolve("executor/mesos/task")));
        assertFalse(Files.exists(v2(scratch)), "not even the root is made in v2");

        Path sibling = guard(scratch, "sibling");
        try (Listener late = startIn(tracker, EXECUTOR, Listener.builder())) {
          assertEquals(Set.of(), procs(sibling), "another container's guard is not this one's");
          assertEquals(Set.of(executor.pid(), late.pid()), procs(v1(scratch).resolve("executor")));
        }
        tracker.kill(EXECUTOR);
      }
      tracker.remove(EXECUTOR);
      try (Stream<Path> left = Files.list(v2(scratch))) {
        assertEquals(
            List.of(v2(scratch).resolve("sibling")),
            left.filter(Files::isDirectory).collect(Collectors.toList()));
      }
    }
  }

  @Test
  void removeRemovesTheContainersOwnGuardDirectory() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = FreezerCgroupsTest.tracker(scratch);
      tracker.create(EXECUTOR);
      tracker.create(TASK);
      Path executorGuard = guard(scratch, "executor");
      Path taskDir = guard(scratch, "executor/mesos/task/own-sub-cgroup").getParent();
      Path sibling = guard(scratch, "sibling");
      try (Listener task = startIn(tracker, TASK, Listener.builder())) {
        assertEquals(Set.of(task.pid()), procs(taskDir));
        tracker.kill(EXECUTOR);
        assertTrue(awaitDead(task));
      }

      tracker.remove(TASK);
      assertFalse(Files.exists(taskDir), "the task's directory goes, bottom-up");
      assertTrue(Files.isDirectory(executorGuard), "its root's stays");

      tracker.remove(EXECUTOR);
      assertFalse(Files.exists(executorGuard));
      assertFalse(tracker.exists(EXECUTOR));
      assertTrue(Files.isDirectory(sibling));
      tracker.remove(EXECUTOR); // already gone: not an error
    }
  }

  @Test
  void aGuardDirectoryThatStillHoldsAProcessFailsTheRemoveAfterTheBound() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = FreezerCgroupsTest.tracker(scratch, Duration.ofMillis(300));
      tracker.create(EXECUTOR);
      Path guard = guard(scratch, "executor");
      try (Listener stray = Listener.builder().start()) {
        // Moved in from outside the tracker, so the freezer cgroup is empty and goes first.
        Files.writeString(guard.resolve("cgroup.procs"), Long.toString(stray.pid()));
        long start = System.nanoTime();
        IOException error = assertThrows(IOException.class, () -> tracker.remove(EXECUTOR));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
        assertTrue(error.getMessage().contains(guard.toString()), error.getMessage());
        assertTrue(error.getMessage().contains(Long.toString(stray.pid())), error.getMessage());
        assertFalse(tracker.exists(EXECUTOR));
        assertTrue(Files.isDirectory(guard), "the busy directory is left alone");
      }
    }
  }

  @Test
  void killEmptiesTheGuardDirectoryToo() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = FreezerCgroupsTest.tracker(scratch);
      tracker.create(EXECUTOR);
      tracker.create(TASK);
      Path guard = guard(scratch, "executor");
      try (Listener executor = startIn(tracker, EXECUTOR, Listener.builder().forked());
          Listener chain = startIn(tracker, TASK, Listener.builder().forkChain())) {
        Thread.sleep(100);
        assertFalse(procs(guard).isEmpty());

        tracker.kill(EXECUTOR);

        assertEquals(Set.of(), tracker.pids(EXECUTOR));
        assertEquals(Set.of(), procs(guard), "the same processes, so none left in v2 either");
        assertTrue(awaitDead(executor));
        assertTrue(awaitDead(chain));
      }
    }
  }

  @Test
  void aProcessTheGuardDirectoryRefusesIsNotPlacedButStaysKillable() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      FreezerProcessTracker tracker = FreezerCgroupsTest.tracker(scratch);
      tracker.create(EXECUTOR);
      tracker.create(TASK);
      Path taskDir = guard(scratch, "executor/mesos/task");
      // A domain cgroup below a threaded one is "domain invalid": the kernel takes no process.
      Files.writeString(taskDir.getParent().resolve("cgroup.type"), "threaded");
      Listener.Started held = Listener.builder().waitForGo().startProcess();
      try {
        IOException refused =
            assertThrows(IOException.class, () -> tracker.place(TASK, held.pid()));
        assertTrue(refused.getMessage().contains(taskDir.toString()), refused.getMessage());
        assertEquals(Set.of(), procs(taskDir));
        assertEquals(Set.of(held.pid()), tracker.pids(TASK), "in the container kill reaches");

        tracker.kill(EXECUTOR);
        assertEquals(Set.of(), tracker.pids(EXECUTOR));
      } finally {
        held.kill();
      }
    }
  }

  @Test
  void aHierarchyBaseFindsTheGuardDirectoryUnderIt() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      Path base = scratch.freezerMount().orElseThrow().getParent();
      assumeTrue(
          scratch.v2Mount().orElseThrow().startsWith(base),
          "the v2 hierarchy is not mounted under the freezer's base on this host");
      FreezerProcessTracker tracker = new FreezerProcessTracker();
      tracker.initialize(
          ProviderSettings.empty()
              .with("cgroups_root", scratch.name())
              .with("cgroups_hierarchy", base.toString()));
      tracker.create(EXECUTOR);
      Path guard = guard(scratch, "executor");
      try (Listener task = startIn(tracker, EXECUTOR, Listener.builder())) {
        assertEquals(Set.of(task.pid()), procs(guard));
      }
    }
  }

  private static ProcessTracker guarded(ScratchCgroups scratch, Duration removeBound) {
    return new GuardedFreezerTracker(FreezerCgroupsTest.tracker(scratch, removeBound), v2(scratch));
  }

  @Nested
  @RequiresLinuxRoot
  class Kill extends ProcessTrackerKillContract {
    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch) {
      return guarded(scratch, FreezerProcessTracker.REMOVE_BOUND);
    }
  }

  @Nested
  @RequiresLinuxRoot
  class Layout extends ProcessTrackerLayoutContract {
    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch, Duration removeBound) {
      return guarded(scratch, removeBound);
    }

    @Override
    protected ProcessTracker tracker(ScratchCgroups scratch) {
      return guarded(scratch, FreezerProcessTracker.REMOVE_BOUND);
    }

    @Override
    protected Path root(ScratchCgroups scratch) {
      return v1(scratch);
    }
  }
}
