package dev.portcullis.agent.executor;

import static dev.portcullis.agent.executor.CoreFixture.ALLOCATED;
import static dev.portcullis.agent.executor.CoreFixture.LAUNCH_FAILED;
import static dev.portcullis.agent.executor.CoreFixture.container;
import static dev.portcullis.agent.executor.CoreFixture.kill;
import static dev.portcullis.agent.executor.CoreFixture.launched;
import static dev.portcullis.agent.executor.CoreFixture.spec;
import static dev.portcullis.agent.executor.CoreFixture.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Launching an executor: its updates, its containers, its record, and what a failure leaves. */
class ExecutorCoreLaunchTest {

  private final CoreFixture fixture = CoreFixture.started();
  private final ExecutorCore core = fixture.core;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void eachTaskIsReportedStartingThenRunningInAContainerNestedInTheExecutors() {
    ExecutorRecord web = fixture.launch("web", "a", "b");

    ContainerId root = web.container();
    ContainerId a = container(web, "a");
    ContainerId b = container(web, "b");
    assertFalse(root.isNested());
    assertEquals(Optional.of(root), a.parent());
    assertEquals(Optional.of(root), b.parent());
    assertNotEquals(a, b);
    assertEquals(
        List.of(
            update(web, "a", TaskState.TASK_STARTING),
            update(web, "b", TaskState.TASK_STARTING),
            update(web, "a", TaskState.TASK_RUNNING),
            update(web, "b", TaskState.TASK_RUNNING)),
        fixture.sink.updates());
    assertEquals(Set.of(root, a, b), fixture.containers());
    // Each process was placed in its task's container, and only then released.
    assertEquals(Set.of(fixture.pid("a")), fixture.tracker.pids(a));
    assertEquals(Set.of(fixture.pid("b")), fixture.tracker.pids(b));
    assertTrue(fixture.launcher.process("a").released());
    assertTrue(fixture.launcher.process("b").released());
    assertEquals(List.of(), fixture.tracker.kills());
    assertEquals(List.of(), fixture.observer.kills());
    // Every container is handed to the isolator.
    assertEquals(3, core.census().trackedContainers());
  }

  @Test
  void theRecordReturnedIsWhatTheCoreHolds() {
    ExecutorRecord web = fixture.launch("web", "a", "b");

    assertEquals("web", web.executorId());
    assertEquals("cpus:0.1;ports:[31000-31001]", web.resources());
    assertEquals(ALLOCATED, web.ports());
    assertEquals(List.of(), web.networks());
    assertFalse(web.terminated());
    assertEquals(Optional.empty(), web.listening());
    assertEquals(Optional.empty(), web.guardRefusals());
    assertEquals(List.of("a", "b"), web.tasks().stream().map(TaskRecord::taskId).toList());
    for (TaskRecord task : web.tasks()) {
      assertEquals(TaskState.TASK_RUNNING, task.state());
      assertEquals(Optional.of(update(web, task.taskId(), TaskState.TASK_RUNNING)), task.status());
      assertEquals(OptionalLong.of(fixture.pid(task.taskId())), task.pid());
      assertEquals(List.of("sleep", "infinity"), task.command());
      assertEquals(
          FakeLauncher.SANDBOXES.resolve(web.container().toString()).resolve(task.taskId()),
          task.sandbox());
    }
    assertEquals(web, core.executor("web"));
    assertEquals(List.of(web), core.executors());
  }

  @Test
  void theLauncherIsGivenTheAllocationAndThePreparedFiles() {
    ExecutorRecord web = fixture.launch("web", "a");

    TaskRecord a = CoreFixture.task(web, "a");
    assertEquals(
        List.of(new TaskFiles(a.sandbox(), a.exitStatusFile())), fixture.launcher.prepared());
    List<FakeLauncher.Start> starts = fixture.launcher.starts();
    assertEquals(1, starts.size());
    assertEquals("web", starts.get(0).executor());
    assertEquals("[31000-31001]", starts.get(0).ports());
    assertEquals(TaskState.TASK_STARTING, starts.get(0).task().state());
    assertEquals(a.sandbox(), starts.get(0).task().sandbox());
    assertEquals(a.container(), starts.get(0).task().container());
  }

  @Test
  void theJournalIsSavedBeforeAnyContainerExists() {
    ExecutorRecord web = fixture.launch("web", "a", "b");

    List<RecordingJournal.Save> saves = fixture.journal.saves();
    assertEquals(3, saves.size(), "started fresh, before the containers, after the launch");
    assertEquals(List.of(), saves.get(0).executors());

    RecordingJournal.Save before = saves.get(1);
    assertEquals(Set.of(), before.containers(), "no container exists yet");
    assertEquals(0, before.updatesPublished(), "nothing was reported yet");
    assertEquals(1, before.executors().size());
    ExecutorRecord recorded = before.executors().get(0);
    assertEquals(web.container(), recorded.container());
    assertEquals(
        List.of(container(web, "a"), container(web, "b")),
        recorded.tasks().stream().map(TaskRecord::container).toList(),
        "the containers are named before they are made, so recovery can find them");
    for (TaskRecord task : recorded.tasks()) {
      assertEquals(TaskState.TASK_STARTING, task.state());
      assertEquals(Optional.empty(), task.status());
      assertEquals(OptionalLong.empty(), task.pid());
    }

    assertEquals(List.of(web), saves.get(2).executors());
    assertEquals(
        Set.of(web.container(), container(web, "a"), container(web, "b")),
        saves.get(2).containers());
  }

  @Test
  void aJournalThatCannotRecordFailsTheLaunchBeforeAnyContainerIsMade() {
    fixture.journal.failNext(new IOException("disk full"));

    LaunchFailedException e =
        assertThrows(LaunchFailedException.class, () -> core.launch(spec("web", "a")));

    assertFalse(e.started());
    ExecutorRecord web = e.executor();
    assertTrue(web.terminated());
    assertEquals(
        List.of(
            update(
                web,
                "a",
                TaskState.TASK_FAILED,
                LAUNCH_FAILED,
                "Failed to launch the task: disk full")),
        fixture.sink.updates());
    assertEquals(List.of(), fixture.launcher.starts());
    assertEquals(Set.of(), fixture.containers());
    // The kill of a container never made finds nothing to kill.
    assertEquals(List.of(kill(web.container())), fixture.tracker.kills());
    assertEquals(List.of(KillReason.LAUNCH_FAILED), fixture.observer.kills());
  }

  @Test
  void anExecutorIdTakenIsAConflictOnExecutorIdThatChangesNothing() {
    fixture.launch("web", "a");
    Snapshot before = new Snapshot(fixture);

    ConflictException e =
        assertThrows(ConflictException.class, () -> core.launch(spec("web", "b")));

    assertEquals(Optional.of("executor_id"), e.field());
    assertEquals("executor 'web' exists already", e.getMessage());
    before.assertUnchanged(fixture);
  }

  @Test
  void theIdOfATerminatedExecutorIsStillTaken() {
    fixture.launch("web", "a");
    core.kill("web", "Killed on request");
    Snapshot before = new Snapshot(fixture);

    ConflictException e =
        assertThrows(ConflictException.class, () -> core.launch(spec("web", "b")));

    assertEquals(Optional.of("executor_id"), e.field());
    assertEquals("executor 'web' exists already (terminated; ids are not reused)", e.getMessage());
    before.assertUnchanged(fixture);
  }

  @Test
  void aTaskIdTakenIsAConflictNamingTheTaskField() {
    fixture.launch("web", "a");
    Snapshot before = new Snapshot(fixture);

    ConflictException e =
        assertThrows(ConflictException.class, () -> core.launch(spec("api", "x", "a")));

    assertEquals(Optional.of("tasks[1].task_id"), e.field());
    assertEquals("task 'a' exists already, in executor 'web'", e.getMessage());
    before.assertUnchanged(fixture);
    assertThrows(UnknownExecutorException.class, () -> core.executor("api"));
  }

  @Test
  void aContainerThatCannotBeCreatedFailsTheLaunchBeforeAnyTaskStarts() {
    fixture.faults.failCreate(ContainerId::isNested);

    LaunchFailedException e =
        assertThrows(LaunchFailedException.class, () -> core.launch(spec("web", "a", "b")));

    assertFalse(e.started());
    ExecutorRecord web = e.executor();
    assertTrue(web.terminated());
    String problem = "no space left to create the cgroup of " + container(web, "a");
    assertEquals("cannot launch executor 'web': " + problem, e.getMessage());
    String message = "Failed to launch the task: " + problem;
    assertEquals(
        List.of(
            update(web, "a", TaskState.TASK_FAILED, LAUNCH_FAILED, message),
            update(web, "b", TaskState.TASK_FAILED, LAUNCH_FAILED, message)),
        fixture.sink.updates());
    assertEquals(List.of(), fixture.launcher.starts());
    // The executor's container had been made: it is killed and removed, and so is its guard.
    assertEquals(List.of(kill(web.container())), fixture.tracker.kills());
    assertEquals(Set.of(), fixture.containers());
    assertEquals(0, core.census().trackedContainers());
    assertEquals(List.of(KillReason.LAUNCH_FAILED), fixture.observer.kills());
    assertEquals(List.of(web), core.executors());
    assertEquals(List.of(web), fixture.journal.last().orElseThrow());
  }

  @Test
  void aProcessThatCannotStartFailsTheLaunchAfterItStarted() {
    fixture.launcher.failStart("b", new IOException("cannot run program \"sleep\""));

    LaunchFailedException e =
        assertThrows(LaunchFailedException.class, () -> core.launch(spec("web", "a", "b")));

    assertTrue(e.started());
    ExecutorRecord web = e.executor();
    assertTrue(web.terminated());
    String message = "Failed to launch the task: cannot run program \"sleep\"";
    assertEquals(
        List.of(
            update(web, "a", TaskState.TASK_STARTING),
            update(web, "b", TaskState.TASK_STARTING),
            update(web, "a", TaskState.TASK_FAILED, LAUNCH_FAILED, message),
            update(web, "b", TaskState.TASK_FAILED, LAUNCH_FAILED, message)),
        fixture.sink.updates());
    FakeLauncher.FakeProcess a = fixture.launcher.process("a");
    assertFalse(a.released(), "no task's command ran");
    assertTrue(a.destroyed());
    // a's held process was destroyed before the kill, which so found nothing left.
    assertEquals(List.of(kill(web.container())), fixture.tracker.kills());
    assertEquals(Set.of(), fixture.containers());
    assertEquals(List.of(), fixture.host.pids(), "no process is left anywhere");
    assertEquals(0, core.census().trackedContainers());
    assertEquals(List.of(KillReason.LAUNCH_FAILED), fixture.observer.kills());
  }

  @Test
  void aProcessThatCannotBePlacedIsDestroyedSinceNoKillOfItsContainerReachesIt() {
    fixture.faults.failPlace(ContainerId::isNested);

    LaunchFailedException e =
        assertThrows(LaunchFailedException.class, () -> core.launch(spec("web", "a")));

    assertTrue(e.started());
    ExecutorRecord web = e.executor();
    long pid = fixture.pid("a");
    String message =
        "Failed to launch the task: cannot move its process "
            + pid
            + " into container "
            + container(web, "a")
            + ": no such process";
    assertEquals(
        List.of(
            update(web, "a", TaskState.TASK_STARTING),
            update(web, "a", TaskState.TASK_FAILED, LAUNCH_FAILED, message)),
        fixture.sink.updates());
    assertTrue(fixture.launcher.process("a").destroyed());
    assertEquals(
        List.of(), fixture.host.pids(), "the held process, outside every container, is gone");
    assertEquals(List.of(kill(web.container())), fixture.tracker.kills());
    assertEquals(Set.of(), fixture.containers());
  }

  @Test
  void aProcessThatExitsBeforeItIsReleasedFailsTheLaunchOfTheWholeGroup() {
    fixture.launcher.exitBeforeRelease("b");

    LaunchFailedException e =
        assertThrows(LaunchFailedException.class, () -> core.launch(spec("web", "a", "b")));

    assertTrue(e.started());
    ExecutorRecord web = e.executor();
    String message =
        "Failed to launch the task: process " + fixture.pid("b") + " has already exited";
    assertEquals(
        List.of(
            update(web, "a", TaskState.TASK_STARTING),
            update(web, "b", TaskState.TASK_STARTING),
            update(web, "a", TaskState.TASK_RUNNING),
            update(web, "a", TaskState.TASK_FAILED, LAUNCH_FAILED, message),
            update(web, "b", TaskState.TASK_FAILED, LAUNCH_FAILED, message)),
        fixture.sink.updates());
    assertTrue(fixture.launcher.process("a").destroyed());
    assertEquals(List.of(kill(web.container())), fixture.tracker.kills());
    assertEquals(Set.of(), fixture.containers());
    assertEquals(List.of(), fixture.host.pids());
  }

  @Test
  void aPortGuardThatCannotBeInstalledFailsTheLaunchBeforeAnyTaskStarts() {
    try (CoreFixture guarded = CoreFixture.options().guarded().start()) {
      guarded.guard.orElseThrow().failNext(new IOException("cannot attach the program"));

      LaunchFailedException e =
          assertThrows(LaunchFailedException.class, () -> guarded.core.launch(spec("web", "a")));

      assertFalse(e.started());
      ExecutorRecord web = e.executor();
      String message =
          "Failed to launch the task: Cannot guard container "
              + web.container()
              + " with testkit: cannot attach the program";
      assertEquals(
          List.of(update(web, "a", TaskState.TASK_FAILED, LAUNCH_FAILED, message)),
          guarded.sink.updates());
      assertEquals(List.of(), guarded.launcher.starts());
      assertEquals(Set.of(), guarded.containers());
      assertEquals(0, guarded.core.census().trackedContainers());
      assertEquals(Map.of(), guarded.guard.orElseThrow().guards());
    }
  }

  @Test
  void aJournalThatFailsAfterALaunchIsWrittenAgainAtTheNextChange() {
    fixture.launch("web", "a");
    fixture.journal.failNext(new IOException("disk full"));
    int saves = fixture.journal.saves().size();

    ExecutorRecord updated = core.update("web", "ports:[31005]", PortRanges.of(31005));

    assertEquals(PortRanges.of(31005), updated.ports(), "the change is made all the same");
    assertEquals(saves, fixture.journal.saves().size());

    ExecutorRecord api = fixture.launch("api", "x");
    assertEquals(List.of(updated, api), fixture.journal.last().orElseThrow());
  }

  @Test
  void aFailedLaunchKeepsItsIdsTaken() {
    fixture.launcher.failStart("a", new IOException("exec failed"));
    assertThrows(LaunchFailedException.class, () -> core.launch(spec("web", "a")));

    ConflictException e =
        assertThrows(ConflictException.class, () -> core.launch(spec("api", "a")));
    assertEquals(Optional.of("tasks[0].task_id"), e.field());
  }

  @Test
  void aLaunchWithoutIsolationMakesTheSameContainers() {
    try (CoreFixture plain = CoreFixture.options().withoutIsolation().start()) {
      ExecutorRecord web = plain.launch("web", "a");

      assertEquals(launched(web), plain.sink.updates());
      assertEquals(Set.of(web.container(), container(web, "a")), plain.containers());
      assertEquals(0, plain.core.census().trackedContainers());
    }
  }

  @Test
  void anAllocationOfNoPortsIsAccepted() {
    ExecutorRecord web = core.launch(spec("web", PortRanges.empty(), "a"));

    assertEquals(PortRanges.empty(), web.ports());
    assertEquals(launched(web), fixture.sink.updates());
  }

  /** What a refused request must leave as it was. */
  private static final class Snapshot {
    private final List<TaskStatus> updates;
    private final int saves;
    private final Set<ContainerId> containers;
    private final List<ExecutorRecord> executors;
    private final int starts;
    private final int kills;

    Snapshot(CoreFixture fixture) {
      this.updates = fixture.sink.updates();
      this.saves = fixture.journal.saves().size();
      this.containers = fixture.containers();
      this.executors = fixture.core.executors();
      this.starts = fixture.launcher.starts().size();
      this.kills = fixture.tracker.kills().size();
    }

    void assertUnchanged(CoreFixture fixture) {
      assertEquals(updates, fixture.sink.updates(), "no update");
      assertEquals(saves, fixture.journal.saves().size(), "no save");
      assertEquals(containers, fixture.containers(), "no container made or removed");
      assertEquals(executors, fixture.core.executors(), "nothing held changed");
      assertEquals(starts, fixture.launcher.starts().size(), "no process started");
      assertEquals(kills, fixture.tracker.kills().size(), "nothing killed");
    }
  }
}
