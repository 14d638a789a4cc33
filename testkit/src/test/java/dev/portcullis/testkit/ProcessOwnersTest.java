package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.core.ProcessOwners;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which container owns a process, over the in-memory host. */
class ProcessOwnersTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final ContainerId TASK = EXECUTOR.child("task");
  private static final ContainerId OTHER = ContainerId.of("other");

  private final HostModel host = new HostModel();
  private final FakeProcessTracker tracker = new FakeProcessTracker(host);

  @Test
  void eachProcessBelongsToTheDeepestContainerThatHoldsIt() throws IOException {
    tracker.create(EXECUTOR);
    tracker.create(TASK);
    long shell = host.spawn(tracker.cgroupOf(EXECUTOR));
    long task = host.spawn(tracker.cgroupOf(TASK));
    long outside = host.spawn("/");

    // The executor's subtree holds the task's process too: the nested container wins.
    ProcessOwners owners = ProcessOwners.of(List.of(EXECUTOR, TASK), tracker);
    assertEquals(Optional.of(EXECUTOR), owners.owner(shell));
    assertEquals(Optional.of(TASK), owners.owner(task));
    assertEquals(Optional.empty(), owners.owner(outside));
    assertEquals(Map.of(shell, EXECUTOR, task, TASK), owners.byPid());

    // Only the containers given are owners: without the task, its process is the executor's.
    assertEquals(Optional.of(EXECUTOR), ProcessOwners.of(List.of(EXECUTOR), tracker).owner(task));
  }

  @Test
  void aContainerThatCannotBeReadOwnsNothingAndHidesNoOther() throws IOException {
    tracker.create(EXECUTOR);
    tracker.create(OTHER);
    long shell = host.spawn(tracker.cgroupOf(EXECUTOR));
    IOException unreadable = new IOException("cgroup.procs: Permission denied");
    ProcessTracker failing = new FailingFor(tracker, OTHER, unreadable);

    ProcessOwners owners = ProcessOwners.of(Set.of(EXECUTOR, OTHER), failing);
    assertEquals(Optional.of(EXECUTOR), owners.owner(shell));
    assertEquals(Set.of(OTHER), owners.unreadable().keySet());
    assertSame(unreadable, owners.unreadable().get(OTHER));
  }

  /** A tracker that cannot list one container's processes. */
  private static final class FailingFor extends ForwardingTracker {
    private final ContainerId broken;
    private final IOException failure;

    FailingFor(FakeProcessTracker delegate, ContainerId broken, IOException failure) {
      super(delegate);
      this.broken = broken;
      this.failure = failure;
    }

    @Override
    public Set<Long> pids(ContainerId container) throws IOException {
      if (container.equals(broken)) {
        throw failure;
      }
      return super.pids(container);
    }
  }
}
