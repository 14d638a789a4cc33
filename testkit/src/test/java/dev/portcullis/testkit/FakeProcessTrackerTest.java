package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fake tracker reads containers back from the host's cgroups, and adopts cgroups outside its
 * root, as the real trackers do.
 */
class FakeProcessTrackerTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final ContainerId TASK = EXECUTOR.child("task");

  private final HostModel host = new HostModel();
  private final FakeProcessTracker tracker = new FakeProcessTracker(host);

  @Test
  void noContainersOnAnEmptyHost() {
    assertEquals(Set.of(), tracker.containers());
  }

  @Test
  void readsEveryContainerBackFromTheMesosLayout() throws IOException {
    ContainerId grandchild = TASK.child("grandchild");
    ContainerId sibling = ContainerId.of("sibling");
    ContainerId mesos = ContainerId.of("mesos"); // a top-level container may be called mesos
    for (ContainerId id : new ContainerId[] {EXECUTOR, TASK, grandchild, sibling, mesos}) {
      tracker.create(id);
    }
    // Made directly in the host, as by an earlier agent.
    host.createCgroup("/portcullis/orphan/mesos/child");

    assertEquals(
        Set.of(
            EXECUTOR,
            TASK,
            grandchild,
            sibling,
            mesos,
            ContainerId.of("orphan"),
            ContainerId.parse("orphan.child")),
        tracker.containers());

    tracker.remove(EXECUTOR);
    assertEquals(
        Set.of(sibling, mesos, ContainerId.of("orphan"), ContainerId.parse("orphan.child")),
        tracker.containers());
  }

  @Test
  void cgroupsOutsideTheLayoutAreNotContainers() throws IOException {
    tracker.create(EXECUTOR);
    // The task's own sub-cgroups, and what looks like a nested container below one of them.
    host.createCgroup("/portcullis/executor/workers/mesos/hidden");
    // Names that are not container ids, with what would be their nested containers.
    host.createCgroup("/portcullis/not.an.id/mesos/below");
    host.createCgroup("/portcullis/executor/mesos/also.bad/mesos/below");
    // An empty mesos cgroup, and cgroups outside the root.
    host.createCgroup("/portcullis/empty/mesos");
    host.createCgroup("/system.slice/portcullis/x");
    host.createCgroup("/portcullis-other/y");

    assertEquals(Set.of(EXECUTOR, ContainerId.of("empty")), tracker.containers());
  }

  @Test
  void onlyItsOwnRootCounts() throws IOException {
    FakeProcessTracker other = new FakeProcessTracker(host, "other", false);
    tracker.create(EXECUTOR);
    other.create(ContainerId.of("elsewhere"));

    assertEquals(Set.of(EXECUTOR), tracker.containers());
    assertEquals(Set.of(ContainerId.of("elsewhere")), other.containers());
  }

  private static final ContainerId ADOPTED = ContainerId.of("adopted");
  private static final String ENGINE = "/libpod_parent/libpod-abc";

  @Test
  void anAdoptedContainerIsTheEngineCgroupsSubtree() throws IOException {
    host.createCgroup(ENGINE + "/container");
    long inCgroup = host.spawn(ENGINE);
    long inSubCgroup = host.spawn(ENGINE + "/container");
    host.createCgroup("/libpod_parent/libpod-other");
    long bystander = host.spawn("/libpod_parent/libpod-other");
    assertTrue(tracker.adoptsCgroups());

    tracker.adopt(ADOPTED, ENGINE);
    tracker.adopt(ADOPTED, ENGINE);

    assertEquals(Optional.of(ENGINE), tracker.adoptedCgroup(ADOPTED));
    assertEquals(Optional.empty(), tracker.adoptedCgroup(ADOPTED.child("task")));
    assertEquals(ENGINE, tracker.cgroupOf(ADOPTED));
    assertEquals(ENGINE + "/mesos/task", tracker.cgroupOf(ADOPTED.child("task")));
    assertTrue(tracker.exists(ADOPTED));
    assertEquals(Set.of(inCgroup, inSubCgroup), tracker.pids(ADOPTED));
    assertEquals(
        Set.of(host.cgroupId(ENGINE), host.cgroupId(ENGINE + "/container")),
        tracker.cgroupIds(ADOPTED));
    assertEquals(Set.of(), tracker.containers());

    ContainerId task = ADOPTED.child("task");
    tracker.create(ADOPTED);
    tracker.create(task);
    long placed = host.spawn("/");
    tracker.place(task, placed);
    assertEquals(ENGINE + "/mesos/task", host.cgroupOf(placed));
    assertEquals(Set.of(placed), tracker.pids(task));

    tracker.kill(ADOPTED);
    assertFalse(host.isAlive(inCgroup) || host.isAlive(inSubCgroup) || host.isAlive(placed));
    assertTrue(host.isAlive(bystander));
    assertEquals(
        List.of(new FakeProcessTracker.Kill(ADOPTED, Set.of(inCgroup, inSubCgroup, placed))),
        tracker.kills());
    assertTrue(host.cgroupExists(ENGINE), "the cgroup stays");
  }

  @Test
  void removeLeavesTheAdoptedCgroupAndForgetsTheAdoption() throws IOException {
    host.createCgroup(ENGINE + "/container");
    long engineProcess = host.spawn(ENGINE);
    tracker.adopt(ADOPTED, ENGINE);
    ContainerId task = ADOPTED.child("task");
    tracker.create(task);
    tracker.create(task.child("grandchild"));
    long nested = host.spawn("/");
    tracker.place(task, nested);

    IOException busy = assertThrows(IOException.class, () -> tracker.remove(ADOPTED));
    assertTrue(busy.getMessage().contains(ENGINE + "/mesos"), busy.getMessage());
    assertEquals(Optional.of(ENGINE), tracker.adoptedCgroup(ADOPTED), "still adopted");

    tracker.kill(task);
    tracker.remove(task);
    assertFalse(host.cgroupExists(ENGINE + "/mesos/task"));
    assertTrue(host.cgroupExists(ENGINE + "/mesos"));
    assertEquals(Optional.of(ENGINE), tracker.adoptedCgroup(ADOPTED));

    tracker.remove(ADOPTED);
    assertFalse(host.cgroupExists(ENGINE + "/mesos"));
    assertTrue(host.cgroupExists(ENGINE + "/container"));
    assertTrue(host.isAlive(engineProcess), "removing kills nothing");
    assertEquals(Optional.empty(), tracker.adoptedCgroup(ADOPTED));
    assertFalse(tracker.exists(ADOPTED));
    assertEquals("/portcullis/adopted", tracker.cgroupOf(ADOPTED));
  }

  @Test
  void anAdoptedCgroupThatIsGoneIsNeverCreated() throws IOException {
    host.createCgroup(ENGINE);
    tracker.adopt(ADOPTED, ENGINE);
    host.removeCgroup(ENGINE);

    assertFalse(tracker.exists(ADOPTED));
    IOException gone = assertThrows(IOException.class, () -> tracker.create(ADOPTED));
    assertTrue(gone.getMessage().contains(ENGINE), gone.getMessage());
    assertThrows(IOException.class, () -> tracker.create(ADOPTED.child("task")));
    assertFalse(host.cgroupExists(ENGINE));
  }

  @Test
  void refusesWhatItCannotAdopt() throws IOException {
    host.createCgroup(ENGINE);
    host.createCgroup("/libpod_parent/libpod-other");
    tracker.create(ContainerId.of("own"));

    assertThrows(
        IllegalArgumentException.class, () -> tracker.adopt(ADOPTED.child("task"), ENGINE));
    for (String bad :
        List.of("libpod_parent", "/", ENGINE + "/", "/libpod_parent//libpod-abc", ENGINE + "/..")) {
      assertThrows(IllegalArgumentException.class, () -> tracker.adopt(ADOPTED, bad), bad);
    }
    for (String ours : List.of("/portcullis", "/portcullis/own")) {
      assertThrows(IllegalArgumentException.class, () -> tracker.adopt(ADOPTED, ours), ours);
    }
    FakeProcessTracker nestedRoot = new FakeProcessTracker(host, "agents/portcullis", true);
    assertThrows(IllegalArgumentException.class, () -> nestedRoot.adopt(ADOPTED, "/agents"));
    assertThrows(
        IllegalStateException.class,
        () -> tracker.adopt(ContainerId.of("own"), "/libpod_parent/libpod-other"));
    IOException missing =
        assertThrows(IOException.class, () -> tracker.adopt(ADOPTED, "/libpod_parent/missing"));
    assertTrue(missing.getMessage().contains("/libpod_parent/missing"), missing.getMessage());

    tracker.adopt(ADOPTED, ENGINE);
    assertThrows(
        IllegalStateException.class, () -> tracker.adopt(ADOPTED, "/libpod_parent/libpod-other"));
    assertThrows(
        IllegalStateException.class, () -> tracker.adopt(ContainerId.of("second"), ENGINE));
    assertEquals(Optional.of(ENGINE), tracker.adoptedCgroup(ADOPTED));
    assertEquals(Optional.empty(), tracker.adoptedCgroup(ContainerId.of("second")));
  }
}
