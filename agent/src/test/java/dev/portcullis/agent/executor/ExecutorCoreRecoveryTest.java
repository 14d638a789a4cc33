package dev.portcullis.agent.executor;

import static dev.portcullis.agent.executor.CoreFixture.EXECUTOR_TERMINATED;
import static dev.portcullis.agent.executor.CoreFixture.LAUNCH_FAILED;
import static dev.portcullis.agent.executor.CoreFixture.container;
import static dev.portcullis.agent.executor.CoreFixture.kill;
import static dev.portcullis.agent.executor.CoreFixture.limited;
import static dev.portcullis.agent.executor.CoreFixture.spec;
import static dev.portcullis.agent.executor.CoreFixture.task;
import static dev.portcullis.agent.executor.CoreFixture.update;
import static dev.portcullis.agent.executor.CoreFixture.violation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.testkit.FakeProcessTracker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A restarted agent taking over what the previous one recorded, from the records its journal kept,
 * on the host the previous one left.
 */
class ExecutorCoreRecoveryTest {

  private final CoreFixture before = CoreFixture.started();
  private CoreFixture after;

  @AfterEach
  void close() {
    before.close();
    if (after != null) {
      after.close();
    }
  }

  /** What the previous agent's journal last recorded. */
  private List<ExecutorRecord> checkpoint() {
    return before.journal.last().orElseThrow();
  }

  /** The agent stops; a new one starts on the same host, not yet recovered. */
  private CoreFixture restart() {
    after = before.restarted();
    return after;
  }

  @Test
  void runningTasksAreTrackedAgainAndGoOnRunning() throws Exception {
    ExecutorRecord web = before.launch("web", "a", "b");
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();

    after.core.recover(checkpoint, Map.of());

    assertEquals(List.of(), after.sink.updates());
    assertEquals(List.of(), after.tracker.kills());
    assertEquals(List.of(), after.observer.kills());
    ExecutorRecord recovered = after.core.executor("web");
    assertFalse(recovered.terminated());
    assertEquals(web.container(), recovered.container());
    assertEquals(web.tasks().size(), recovered.tasks().size());
    for (TaskRecord task : web.tasks()) {
      TaskRecord now = task(recovered, task.taskId());
      assertEquals(task.container(), now.container());
      assertEquals(TaskState.TASK_RUNNING, now.state());
      assertEquals(task.status(), now.status());
      assertEquals(task.pid(), now.pid());
    }
    assertEquals(
        Set.of(web.container(), container(web, "a"), container(web, "b")), after.containers());
    assertEquals(3, after.core.census().trackedContainers(), "the isolator tracks them again");
    assertEquals(1, after.observer.scans().size(), "recovery ran the first scan");
    assertEquals(
        Optional.of(PortRanges.empty()), recovered.listening(), "judged: listening on nothing");
  }

  @Test
  void recoveredTasksAreEnforcedAtTheFirstScan() throws Exception {
    ExecutorRecord web = before.launch("web", "a", "b");
    long a = before.pid("a");
    long b = before.pid("b");
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();
    // While no agent ran, a began to listen on a port it was not allocated.
    after.host.listen(a, 9090);

    after.core.recover(checkpoint, Map.of());

    PortRanges unallocated = PortRanges.of(9090);
    String message = violation(container(web, "a"), unallocated);
    assertEquals(
        List.of(limited(web, "a", message, unallocated), limited(web, "b", message, unallocated)),
        after.sink.updates());
    assertEquals(List.of(kill(web.container(), a, b)), after.tracker.kills());
    assertEquals(List.of(KillReason.CONTAINER_LIMITATION), after.observer.kills());
    assertEquals(Set.of(), after.containers());
    assertTrue(after.core.executor("web").terminated());
  }

  @Test
  void aRecoveredTaskThatEndsLaterIsReportedWithTheStatusItRecorded() throws Exception {
    ExecutorRecord web = before.launch("web", "a", "b");
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();
    after.core.recover(checkpoint, Map.of());

    // a is no child of this agent: only its recorded status tells how it ended.
    after.disk.end(task(web, "a"), 0);
    after.core.reap();

    assertEquals(
        List.of(update(web, "a", TaskState.TASK_FINISHED, "Command exited with status 0")),
        after.sink.updates());
    assertEquals(List.of(kill(container(web, "a"))), after.tracker.kills());
    assertFalse(after.core.executor("web").terminated());
  }

  @Test
  void aTaskThatEndedWhileTheAgentWasDownIsReportedWithItsRecordedStatus() throws Exception {
    ExecutorRecord web = before.launch("web", "a", "b");
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();
    after.disk.end(task(web, "a"), 0);

    after.core.recover(checkpoint, Map.of());

    assertEquals(
        List.of(update(web, "a", TaskState.TASK_FINISHED, "Command exited with status 0")),
        after.sink.updates());
    ExecutorRecord recovered = after.core.executor("web");
    assertFalse(recovered.terminated());
    assertEquals(TaskState.TASK_RUNNING, task(recovered, "b").state());
  }

  @Test
  void aTaskThatFailedWhileTheAgentWasDownFailsItsGroup() throws Exception {
    ExecutorRecord web = before.launch("web", "a", "b");
    long b = before.pid("b");
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();
    after.disk.end(task(web, "a"), 1);

    after.core.recover(checkpoint, Map.of());

    assertEquals(
        List.of(
            update(web, "a", TaskState.TASK_FAILED, "Command exited with status 1"),
            update(
                web, "b", TaskState.TASK_KILLED, "Killed because task a of its task group failed")),
        after.sink.updates());
    assertEquals(
        List.of(kill(container(web, "a")), kill(web.container(), b)), after.tracker.kills());
    assertEquals(List.of(KillReason.TASK_GROUP_FAILED), after.observer.kills());
    assertEquals(Set.of(), after.containers());
  }

  @Test
  void aTaskWhoseContainerIsEmptyAndThatRecordedNothingIsReportedExecutorTerminated()
      throws Exception {
    ExecutorRecord web = before.launch("web", "a");
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();
    after.disk.vanish(task(web, "a"));

    after.core.recover(checkpoint, Map.of());

    assertEquals(
        List.of(
            update(
                web,
                "a",
                TaskState.TASK_FAILED,
                EXECUTOR_TERMINATED,
                "The task's processes are gone and no exit status was recorded")),
        after.sink.updates());
    assertTrue(after.core.executor("web").terminated());
    assertEquals(Set.of(), after.containers());
  }

  @Test
  void aTaskWhoseShellDiedButWhoseCommandStillRunsIsStillRunning() throws Exception {
    ExecutorRecord web = before.launch("web", "a");
    long child = before.spawnIn(container(web, "a"));
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();
    after.disk.vanish(task(web, "a"));

    after.core.recover(checkpoint, Map.of());

    assertEquals(List.of(), after.sink.updates());
    assertTrue(after.host.isAlive(child));
  }

  @Test
  void aTaskLeftStartingIsReportedLaunchFailed() throws Exception {
    ExecutorRecord web = before.launch("web", "a");
    long a = before.pid("a");
    // The agent stopped in the middle of the launch: its journal holds the record it kept before
    // making any container, while the containers and the held process exist.
    List<ExecutorRecord> checkpoint = before.journal.saves().get(1).executors();
    assertEquals(TaskState.TASK_STARTING, task(checkpoint.get(0), "a").state());
    restart();

    after.core.recover(checkpoint, Map.of());

    assertEquals(
        List.of(
            update(
                web,
                "a",
                TaskState.TASK_FAILED,
                LAUNCH_FAILED,
                "Failed to launch the task: the agent stopped before it could start the task")),
        after.sink.updates());
    assertEquals(List.of(kill(web.container(), a)), after.tracker.kills());
    assertEquals(List.of(KillReason.LAUNCH_FAILED), after.observer.kills());
    assertEquals(Set.of(), after.containers());
    assertEquals(Set.of(), after.pidsUnderRoot());
    assertTrue(after.core.executor("web").terminated());
  }

  @Test
  void everyTaskOfALaunchCutShortIsReportedLaunchFailed() throws Exception {
    ExecutorRecord web = before.launch("web", "a", "b");
    long a = before.pid("a");
    long b = before.pid("b");
    List<ExecutorRecord> checkpoint = before.journal.saves().get(1).executors();
    restart();

    after.core.recover(checkpoint, Map.of());

    String message = "Failed to launch the task: the agent stopped before it could start the task";
    assertEquals(
        List.of(
            update(web, "a", TaskState.TASK_FAILED, LAUNCH_FAILED, message),
            update(web, "b", TaskState.TASK_FAILED, LAUNCH_FAILED, message)),
        after.sink.updates());
    assertEquals(List.of(kill(web.container(), a, b)), after.tracker.kills());
    assertEquals(List.of(KillReason.LAUNCH_FAILED), after.observer.kills());
    assertEquals(Set.of(), after.containers());
    assertTrue(after.core.executor("web").terminated());
  }

  @Test
  void orphanContainersUnderTheRootAreKilledAndRemoved() throws Exception {
    ExecutorRecord web = before.launch("web", "a");
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();
    FakeProcessTracker tracker = after.tracker;
    ContainerId orphan = ContainerId.of("orphan");
    tracker.create(orphan);
    tracker.create(orphan.child("inner"));
    long inOrphan = after.spawnIn(orphan.child("inner"));
    ContainerId stray = web.container().child("stray");
    tracker.create(stray);
    long inStray = after.spawnIn(stray);
    after.host.createCgroup("/system/other");
    long outside = after.host.spawn("/system/other");

    after.core.recover(checkpoint, Map.of());

    List<FakeProcessTracker.Kill> expected =
        new ArrayList<>(List.of(kill(orphan, inOrphan), kill(stray, inStray)));
    expected.sort(Comparator.comparing(kill -> kill.container().toString()));
    assertEquals(expected, after.tracker.kills());
    assertEquals(List.of(KillReason.ORPHAN, KillReason.ORPHAN), after.observer.kills());
    assertEquals(Set.of(web.container(), container(web, "a")), after.containers());
    assertTrue(after.host.isAlive(task(web, "a").pid().getAsLong()), "the task goes on");
    assertTrue(after.host.isAlive(outside), "a cgroup outside the root is left alone");
    assertTrue(after.host.cgroupExists("/system/other"));
    assertEquals(List.of(), after.sink.updates());
    assertFalse(after.core.executor("web").terminated());
  }

  @Test
  void anExecutorRecordedAsTerminatedWhoseContainerRemainsIsRemoved() throws Exception {
    ExecutorRecord web = before.launch("web", "a");
    before.core.kill("web", "Killed on request");
    List<ExecutorRecord> checkpoint = checkpoint();
    assertTrue(checkpoint.get(0).terminated());
    restart();
    // The teardown was cut short: the containers remain, with a process.
    after.tracker.create(web.container());
    after.tracker.create(container(web, "a"));
    long left = after.spawnIn(container(web, "a"));

    after.core.recover(checkpoint, Map.of());

    assertEquals(List.of(kill(web.container(), left)), after.tracker.kills());
    assertEquals(Set.of(), after.containers());
    assertEquals(List.of(), after.sink.updates());
    assertEquals(
        List.of(), after.observer.kills(), "neither an orphan nor a kill of a live executor");
    assertEquals(checkpoint, after.core.executors(), "it is held, terminated, as recorded");
  }

  @Test
  void nothingIsSavedBeforeEveryRecordedExecutorIsHeldAgainAndEveryChangeIsSavedAfter()
      throws Exception {
    ExecutorRecord web = before.launch("web", "a", "b");
    before.launch("api", "x");
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();
    // Recovery reports two endings, each a change that is saved once recovery is over.
    after.disk.end(task(web, "a"), 0);
    after.disk.vanish(task(checkpoint.get(1), "x"));

    after.core.recover(checkpoint, Map.of());

    assertEquals(2, after.sink.size());
    List<RecordingJournal.Save> saves = after.journal.saves();
    RecordingJournal.Save first = saves.get(0);
    assertEquals(checkpoint, first.executors(), "the first save holds what was recorded");
    assertEquals(0, first.updatesPublished(), "before any ending was reported");
    RecordingJournal.Save last = saves.get(saves.size() - 1);
    assertEquals(after.core.executors(), last.executors());
    assertEquals(2, last.updatesPublished(), "after every ending was reported");
    assertEquals(1, last.scansRun(), "after the first scan");
  }

  @Test
  void recoveredTaskIdsAndExecutorIdsAreStillTaken() throws Exception {
    before.launch("web", "a");
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();
    after.core.recover(checkpoint, Map.of());

    ConflictException task =
        assertThrows(ConflictException.class, () -> after.core.launch(spec("api", "a")));
    assertEquals(Optional.of("tasks[0].task_id"), task.field());
    ConflictException executor =
        assertThrows(ConflictException.class, () -> after.core.launch(spec("web", "b")));
    assertEquals(Optional.of("executor_id"), executor.field());
  }

  @Test
  void aRecoveredExecutorCanBeKilledAndUpdated() throws Exception {
    ExecutorRecord web = before.launch("web", "a");
    long a = before.pid("a");
    List<ExecutorRecord> checkpoint = checkpoint();
    restart();
    after.core.recover(checkpoint, Map.of());

    after.core.update("web", "ports:[31000-31005]", PortRanges.range(31000, 31005));
    after.host.listen(a, 31004);
    after.core.scan();
    assertEquals(List.of(), after.sink.updates(), "the new allocation is judged");

    after.core.kill("web", "Killed on request");
    assertEquals(
        List.of(update(web, "a", TaskState.TASK_KILLED, "Killed on request")),
        after.sink.updates());
    assertEquals(List.of(kill(web.container(), a)), after.tracker.kills());
    assertEquals(Set.of(), after.containers());
  }

  @Test
  void aRecoveredTaskStoppedByItsPortGuardIsLimited() throws Exception {
    try (CoreFixture guarded = CoreFixture.options().guarded().start()) {
      ExecutorRecord web = guarded.launch("web", "a");
      List<ExecutorRecord> checkpoint = guarded.journal.last().orElseThrow();
      try (CoreFixture restarted = guarded.restarted()) {
        restarted.core.recover(checkpoint, Map.of());
        // The guard survived the restart, and still stops what its allocation does not allow.
        assertFalse(
            restarted
                .guard
                .orElseThrow()
                .listenUnbound(container(web, "a"), task(web, "a").pid().getAsLong(), 40000));

        restarted.core.reap();

        PortRanges stopped = PortRanges.of(40000);
        assertEquals(
            List.of(
                limited(
                    web,
                    "a",
                    violation(web.container(), stopped) + " (its port guard stopped the listener)",
                    stopped)),
            restarted.sink.updates());
        assertEquals(List.of(kill(web.container())), restarted.tracker.kills());
      }
    }
  }

  @Test
  void cleanUpEverythingKillsAndRemovesEveryContainerAndRecoversNothing() throws Exception {
    ExecutorRecord web = before.launch("web", "a", "b");
    ExecutorRecord api = before.launch("api", "x");
    long a = before.pid("a");
    long b = before.pid("b");
    long x = before.pid("x");
    restart();
    after.host.createCgroup("/system/other");
    long outside = after.host.spawn("/system/other");

    after.core.cleanUpEverything();

    List<FakeProcessTracker.Kill> expected =
        new ArrayList<>(List.of(kill(web.container(), a, b), kill(api.container(), x)));
    expected.sort(Comparator.comparing(kill -> kill.container().toString()));
    assertEquals(expected, after.tracker.kills());
    assertEquals(
        List.of(KillReason.RECOVERY_CLEANUP, KillReason.RECOVERY_CLEANUP), after.observer.kills());
    assertEquals(Set.of(), after.containers());
    assertEquals(Set.of(), after.pidsUnderRoot());
    assertTrue(after.host.isAlive(outside));
    assertEquals(List.of(), after.core.executors());
    assertEquals(List.of(), after.sink.updates());
    assertEquals(1, after.journal.saves().size());
    assertEquals(List.of(), after.journal.last().orElseThrow());
  }
}
