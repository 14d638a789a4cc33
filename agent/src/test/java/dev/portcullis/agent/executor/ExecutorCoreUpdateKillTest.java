package dev.portcullis.agent.executor;

import static dev.portcullis.agent.executor.CoreFixture.container;
import static dev.portcullis.agent.executor.CoreFixture.kill;
import static dev.portcullis.agent.executor.CoreFixture.launched;
import static dev.portcullis.agent.executor.CoreFixture.limited;
import static dev.portcullis.agent.executor.CoreFixture.update;
import static dev.portcullis.agent.executor.CoreFixture.violation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.PortGuardException;
import dev.portcullis.testkit.FakePortGuard;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Changing an executor's allocation, and killing it on request. */
class ExecutorCoreUpdateKillTest {

  private static final PortRanges WIDER = PortRanges.range(31000, 31005);
  private static final String WIDER_RESOURCES = "cpus:0.1;ports:[31000-31005]";

  @Test
  void anUpdateRecordsAndJournalsTheNewAllocation() {
    try (CoreFixture fixture = CoreFixture.started()) {
      fixture.launch("web", "a");

      ExecutorRecord updated = fixture.core.update("web", WIDER_RESOURCES, WIDER);

      assertEquals(WIDER, updated.ports());
      assertEquals(WIDER_RESOURCES, updated.resources());
      assertEquals(updated, fixture.core.executor("web"));
      assertEquals(List.of(updated), fixture.journal.last().orElseThrow());
    }
  }

  @Test
  void scansJudgeTheNewAllocation() {
    try (CoreFixture fixture = CoreFixture.started()) {
      ExecutorRecord web = fixture.launch("web", "a");
      fixture.host.listen(fixture.pid("a"), 31004);

      fixture.core.update("web", WIDER_RESOURCES, WIDER);
      fixture.core.scan();
      assertEquals(launched(web), fixture.sink.updates(), "31004 is allocated now");

      fixture.core.update("web", "cpus:0.1;ports:[31000-31000]", PortRanges.of(31000));
      fixture.core.scan();
      PortRanges unallocated = PortRanges.of(31004);
      assertEquals(
          List.of(limited(web, "a", violation(container(web, "a"), unallocated), unallocated)),
          fixture.sink.since(2));
    }
  }

  @Test
  void anUpdateRewritesThePortGuard() {
    try (CoreFixture fixture = CoreFixture.options().guarded().start()) {
      FakePortGuard guard = fixture.guard.orElseThrow();
      ExecutorRecord web = fixture.launch("web", "a");
      ContainerId root = web.container();
      BindAllowance before = guard.guards().get(root);

      fixture.core.update("web", WIDER_RESOURCES, WIDER);

      BindAllowance after = guard.guards().get(root);
      assertFalse(before.equals(after));
      assertEquals(FakePortGuard.Operation.UPDATE, guard.calls().get(1).operation());
      assertTrue(guard.bind(container(web, "a"), 31004));
    }
  }

  @Test
  void aGuardThatCannotBeRewrittenStillLeavesTheNewAllocationRecorded() {
    try (CoreFixture fixture = CoreFixture.options().guarded().start()) {
      FakePortGuard guard = fixture.guard.orElseThrow();
      ExecutorRecord web = fixture.launch("web", "a");
      ContainerId root = web.container();
      BindAllowance before = guard.guards().get(root);
      guard.failNext(new IOException("map update failed"));

      PortGuardException e =
          assertThrows(
              PortGuardException.class, () -> fixture.core.update("web", WIDER_RESOURCES, WIDER));

      assertTrue(e.getMessage().contains("still enforces the old one"), e.getMessage());
      ExecutorRecord recorded = fixture.core.executor("web");
      assertEquals(WIDER, recorded.ports());
      assertEquals(WIDER_RESOURCES, recorded.resources());
      assertEquals(List.of(recorded), fixture.journal.last().orElseThrow());
      assertEquals(before, guard.guards().get(root), "the kernel enforces the old allocation");
      // Scans judge the new one.
      fixture.host.listen(fixture.pid("a"), 31004);
      fixture.core.scan();
      assertEquals(launched(web), fixture.sink.updates());
    }
  }

  @Test
  void updatingATerminatedExecutorIsAConflict() {
    try (CoreFixture fixture = CoreFixture.started()) {
      fixture.launch("web", "a");
      ExecutorRecord killed = fixture.core.kill("web", "Killed on request");
      int saves = fixture.journal.saves().size();

      ConflictException e =
          assertThrows(
              ConflictException.class, () -> fixture.core.update("web", WIDER_RESOURCES, WIDER));

      assertEquals(Optional.empty(), e.field());
      assertEquals("executor 'web' has terminated", e.getMessage());
      assertEquals(killed, fixture.core.executor("web"));
      assertEquals(saves, fixture.journal.saves().size());
    }
  }

  @Test
  void updatingAnUnknownExecutorIsRefused() {
    try (CoreFixture fixture = CoreFixture.started()) {
      UnknownExecutorException e =
          assertThrows(
              UnknownExecutorException.class,
              () -> fixture.core.update("nope", WIDER_RESOURCES, WIDER));
      assertEquals("no executor 'nope'", e.getMessage());
    }
  }

  @Test
  void aKillReportsEveryLiveTaskKilledWithTheMessageAndKillsOnce() {
    try (CoreFixture fixture = CoreFixture.started()) {
      ExecutorRecord web = fixture.launch("web", "a", "b");
      long a = fixture.pid("a");
      long b = fixture.pid("b");
      int mark = fixture.sink.size();

      ExecutorRecord killed = fixture.core.kill("web", "Killed by SIGTERM to portcullis run");

      String message = "Killed by SIGTERM to portcullis run";
      assertEquals(
          List.of(
              update(web, "a", TaskState.TASK_KILLED, message),
              update(web, "b", TaskState.TASK_KILLED, message)),
          fixture.sink.since(mark));
      assertEquals(List.of(kill(web.container(), a, b)), fixture.tracker.kills());
      assertEquals(List.of(KillReason.KILL_REQUEST), fixture.observer.kills());
      assertEquals(Set.of(), fixture.containers());
      assertEquals(Set.of(), fixture.pidsUnderRoot());
      assertTrue(killed.terminated());
      assertEquals(killed, fixture.core.executor("web"));
      assertEquals(List.of(killed), fixture.journal.last().orElseThrow());

      fixture.core.reap();
      assertEquals(
          2, fixture.sink.since(mark).size(), "the killed processes are not reported again");
    }
  }

  @Test
  void aKillReportsOnlyTheTasksStillLive() {
    try (CoreFixture fixture = CoreFixture.started()) {
      ExecutorRecord web = fixture.launch("web", "a", "b");
      fixture.launcher.process("a").exit(0);
      fixture.core.reap();
      int mark = fixture.sink.size();

      fixture.core.kill("web", "Killed on request");

      assertEquals(
          List.of(update(web, "b", TaskState.TASK_KILLED, "Killed on request")),
          fixture.sink.since(mark));
    }
  }

  @Test
  void killingATerminatedExecutorChangesNothing() {
    try (CoreFixture fixture = CoreFixture.started()) {
      fixture.launch("web", "a");
      ExecutorRecord killed = fixture.core.kill("web", "Killed on request");
      int updates = fixture.sink.size();
      int saves = fixture.journal.saves().size();
      int kills = fixture.tracker.kills().size();

      ExecutorRecord again = fixture.core.kill("web", "Killed again");

      assertEquals(killed, again);
      assertEquals(updates, fixture.sink.size());
      assertEquals(saves, fixture.journal.saves().size());
      assertEquals(kills, fixture.tracker.kills().size());
      assertEquals(List.of(KillReason.KILL_REQUEST), fixture.observer.kills());
    }
  }

  @Test
  void killingAnUnknownExecutorIsRefused() {
    try (CoreFixture fixture = CoreFixture.started()) {
      assertThrows(UnknownExecutorException.class, () -> fixture.core.kill("nope", "Killed"));
      assertThrows(UnknownExecutorException.class, () -> fixture.core.executor("nope"));
    }
  }

  @Test
  void aKillRemovesThePortGuard() {
    try (CoreFixture fixture = CoreFixture.options().guarded().start()) {
      fixture.launch("web", "a");

      fixture.core.kill("web", "Killed on request");

      assertEquals(Set.of(), fixture.guard.orElseThrow().guards().keySet());
    }
  }
}
