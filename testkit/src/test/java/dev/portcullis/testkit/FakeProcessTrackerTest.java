package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.ContainerId;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fake tracker reads containers back from the host's cgroups as the real trackers do. */
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
}
