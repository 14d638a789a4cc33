package dev.portcullis.agent.executor;

import static dev.portcullis.agent.executor.CoreFixture.container;
import static dev.portcullis.agent.executor.CoreFixture.kill;
import static dev.portcullis.agent.executor.CoreFixture.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tasks that exit by themselves, and the executors that end with them. */
class ExecutorCoreExitTest {

  private final CoreFixture fixture = CoreFixture.started();
  private final ExecutorCore core = fixture.core;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aTaskThatExitsZeroFinishesAndItsExecutorTerminatesWithItsLastTask() {
    ExecutorRecord web = fixture.launch("web", "a");
    int mark = fixture.sink.size();

    fixture.launcher.process("a").exit(0);
    core.reap();

    assertEquals(
        List.of(update(web, "a", TaskState.TASK_FINISHED, "Command exited with status 0")),
        fixture.sink.since(mark));
    ExecutorRecord ended = core.executor("web");
    assertTrue(ended.terminated());
    assertEquals(TaskState.TASK_FINISHED, CoreFixture.task(ended, "a").state());
    // What the task left in its container is killed: here nothing.
    assertEquals(List.of(kill(container(web, "a"))), fixture.tracker.kills());
    assertEquals(Set.of(), fixture.containers());
    assertEquals(0, core.census().trackedContainers());
    assertEquals(List.of(), fixture.observer.kills(), "no executor was killed");
    assertEquals(List.of(ended), fixture.journal.last().orElseThrow());
  }

  /**
   * Where the launcher's processes tell their ends by a count, as spawned shells do, a look that
   * finds the count as it was asks no running task; one that finds it grown asks them all, and sees
   * the end at once.
   */
  @Test
  void tasksWhoseEndsAreCountedAreAskedOnlyOnceTheCountGrows() {
    ExecutorRecord web = fixture.launch("web", "a");
    fixture.launch("db", "b");
    core.reap();
    FakeLauncher.FakeProcess a = fixture.launcher.process("a");
    FakeLauncher.FakeProcess b = fixture.launcher.process("b");
    int asked = a.asks();
    for (int i = 0; i < 5; i++) {
      core.reap();
    }
    assertEquals(asked, a.asks(), "nothing ended, so nothing was asked");

    int mark = fixture.sink.size();
    int askedB = b.asks();
    a.exit(0);
    core.reap();
    assertEquals(
        List.of(update(web, "a", TaskState.TASK_FINISHED, "Command exited with status 0")),
        fixture.sink.since(mark));
    assertTrue(b.asks() > askedB, "a grown count has every running task asked");
  }

  /** Processes that cannot tell their ends by a count are asked at every look. */
  @Test
  void tasksWhoseEndsAreNotCountedAreAskedAtEveryLook() {
    try (CoreFixture polled = CoreFixture.options().countingEnds(false).start()) {
      ExecutorRecord web = polled.launch("web", "a");
      polled.core.reap();
      FakeLauncher.FakeProcess a = polled.launcher.process("a");
      int asked = a.asks();
      for (int i = 0; i < 5; i++) {
        polled.core.reap();
      }
      assertEquals(asked + 5, a.asks());

      int mark = polled.sink.size();
      a.exit(3);
      polled.core.reap();
      assertEquals(
          List.of(update(web, "a", TaskState.TASK_FAILED, "Command exited with status 3")),
          polled.sink.since(mark));

      // A task launched since is asked too, though no count tells of it.
      ExecutorRecord db = polled.launch("db", "b");
      polled.core.reap();
      mark = polled.sink.size();
      polled.launcher.process("b").exit(0);
      polled.core.reap();
      assertEquals(
          List.of(update(db, "b", TaskState.TASK_FINISHED, "Command exited with status 0")),
          polled.sink.since(mark));
    }
  }

  /**
   * The launcher removes what it made for the executor's containers, such as an OCI runtime's
   * state, once their processes are gone and before the tracker removes their cgroups: once, for
   * the executor's root, whose name covers the nested ones.
   */
  @Test
  void theExecutorsContainerIsReleasedToTheLauncherBeforeItsCgroupIsRemoved() {
    ExecutorRecord web = fixture.launch("web", "a", "b");
    List<String> seen = new ArrayList<>();
    fixture.launcher.onRelease(
        released ->
            seen.add(
                released
                    + (fixture.tracker.exists(released) ? " exists" : " is gone")
                    + " holding "
                    + fixture.tracker.pids(released)));

    fixture.launcher.process("a").exit(0);
    core.reap();
    assertEquals(List.of(), fixture.launcher.released(), "b still runs");

    fixture.launcher.process("b").exit(0);
    core.reap();

    assertEquals(List.of(web.container()), fixture.launcher.released());
    assertEquals(List.of(web.container() + " exists holding []"), seen);
    assertEquals(Set.of(), fixture.containers());
  }

  @Test
  void aKilledExecutorsContainerIsReleasedToTheLauncher() {
    ExecutorRecord web = fixture.launch("web", "a", "b");
    List<ContainerId> existed = new ArrayList<>();
    fixture.launcher.onRelease(
        released -> {
          if (fixture.tracker.exists(released) && fixture.tracker.pids(released).isEmpty()) {
            existed.add(released);
          }
        });

    core.kill("web", "Killed on request");

    assertEquals(List.of(web.container()), fixture.launcher.released());
    assertEquals(List.of(web.container()), existed, "emptied, and not removed yet");
  }

  @Test
  void aTaskThatExitsNonZeroFails() {
    ExecutorRecord web = fixture.launch("web", "a");
    int mark = fixture.sink.size();

    fixture.launcher.process("a").exit(3);
    core.reap();

    assertEquals(
        List.of(update(web, "a", TaskState.TASK_FAILED, "Command exited with status 3")),
        fixture.sink.since(mark));
    assertTrue(core.executor("web").terminated());
    assertEquals(List.of(kill(container(web, "a"))), fixture.tracker.kills());
    assertEquals(Set.of(), fixture.containers());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1   | Command exited with status 1",
        "126 | Command exited with status 126 (the command could not be executed)",
        "127 | Command exited with status 127 (the command was not found)",
        "137 | Command exited with status 137 (as for a process killed by signal 9)",
        "143 | Command exited with status 143 (as for a process killed by signal 15)",
        "255 | Command exited with status 255",
      })
  void theMessageOfAFailedExitSaysWhatItsStatusMeans(int status, String message) {
    ExecutorRecord web = fixture.launch("web", "a");

    fixture.launcher.process("a").exit(status);
    core.reap();

    assertEquals(List.of(update(web, "a", TaskState.TASK_FAILED, message)), fixture.sink.since(2));
  }

  @Test
  void aProcessKilledFromOutsideIsReportedAsItsSignal() {
    ExecutorRecord web = fixture.launch("web", "a");

    fixture.host.exit(fixture.pid("a"));
    core.reap();

    assertEquals(
        List.of(
            update(
                web,
                "a",
                TaskState.TASK_FAILED,
                "Command exited with status 137 (as for a process killed by signal 9)")),
        fixture.sink.since(2));
  }

  @Test
  void aRunningTaskIsNotReported() {
    fixture.launch("web", "a");
    int mark = fixture.sink.size();
    int saves = fixture.journal.saves().size();

    core.reap();
    core.reap();

    assertEquals(List.of(), fixture.sink.since(mark));
    assertEquals(List.of(), fixture.tracker.kills());
    assertEquals(saves, fixture.journal.saves().size(), "nothing changed, nothing saved");
  }

  @Test
  void anEndedTaskIsReportedOnce() {
    fixture.launch("web", "a");
    fixture.launcher.process("a").exit(0);
    core.reap();
    int mark = fixture.sink.size();
    int kills = fixture.tracker.kills().size();

    core.reap();
    core.scan();
    core.reap();

    assertEquals(List.of(), fixture.sink.since(mark));
    assertEquals(kills, fixture.tracker.kills().size());
  }

  @Test
  void aTaskThatFinishesLeavesTheRestOfItsGroupRunning() {
    ExecutorRecord web = fixture.launch("web", "a", "b");
    int mark = fixture.sink.size();

    fixture.launcher.process("a").exit(0);
    core.reap();

    assertEquals(
        List.of(update(web, "a", TaskState.TASK_FINISHED, "Command exited with status 0")),
        fixture.sink.since(mark));
    ExecutorRecord running = core.executor("web");
    assertFalse(running.terminated());
    assertEquals(TaskState.TASK_RUNNING, CoreFixture.task(running, "b").state());
    assertTrue(fixture.launcher.process("b").alive());
    assertEquals(List.of(kill(container(web, "a"))), fixture.tracker.kills());
    assertEquals(List.of(running), fixture.journal.last().orElseThrow(), "the change is saved");

    fixture.launcher.process("b").exit(0);
    core.reap();

    assertEquals(
        List.of(
            update(web, "a", TaskState.TASK_FINISHED, "Command exited with status 0"),
            update(web, "b", TaskState.TASK_FINISHED, "Command exited with status 0")),
        fixture.sink.since(mark));
    assertTrue(core.executor("web").terminated());
    assertEquals(
        List.of(kill(container(web, "a")), kill(container(web, "b"))), fixture.tracker.kills());
    assertEquals(Set.of(), fixture.containers());
    assertEquals(List.of(), fixture.observer.kills());
  }

  @Test
  void aFailedTaskKillsTheRestOfItsGroup() {
    ExecutorRecord web = fixture.launch("web", "a", "b", "c");
    long a = fixture.pid("a");
    long c = fixture.pid("c");
    int mark = fixture.sink.size();

    fixture.launcher.process("b").exit(2);
    core.reap();

    String killed = "Killed because task b of its task group failed";
    assertEquals(
        List.of(
            update(web, "b", TaskState.TASK_FAILED, "Command exited with status 2"),
            update(web, "a", TaskState.TASK_KILLED, killed),
            update(web, "c", TaskState.TASK_KILLED, killed)),
        fixture.sink.since(mark));
    assertEquals(
        List.of(kill(container(web, "b")), kill(web.container(), a, c)), fixture.tracker.kills());
    assertEquals(List.of(KillReason.TASK_GROUP_FAILED), fixture.observer.kills());
    assertTrue(core.executor("web").terminated());
    assertEquals(Set.of(), fixture.containers());
    assertEquals(Set.of(), fixture.pidsUnderRoot());

    // The killed tasks' processes have exit statuses now; they were reported already.
    core.reap();
    assertEquals(3, fixture.sink.since(mark).size());
  }

  @Test
  void tasksThatEndTogetherAreReportedInTheirOrderAndTheFirstFailureKillsTheRest() {
    ExecutorRecord web = fixture.launch("web", "a", "b", "c");
    long c = fixture.pid("c");
    int mark = fixture.sink.size();

    fixture.launcher.process("b").exit(1);
    fixture.launcher.process("a").exit(0);
    core.reap();

    assertEquals(
        List.of(
            update(web, "a", TaskState.TASK_FINISHED, "Command exited with status 0"),
            update(web, "b", TaskState.TASK_FAILED, "Command exited with status 1"),
            update(
                web, "c", TaskState.TASK_KILLED, "Killed because task b of its task group failed")),
        fixture.sink.since(mark));
    assertEquals(
        List.of(kill(container(web, "a")), kill(container(web, "b")), kill(web.container(), c)),
        fixture.tracker.kills());
  }

  @Test
  void whatATaskLeftBehindInItsContainerIsKilledWhenItExits() {
    ExecutorRecord web = fixture.launch("web", "a", "b");
    long child = fixture.spawnIn(container(web, "a"));

    fixture.launcher.process("a").exit(0);
    core.reap();

    assertEquals(List.of(kill(container(web, "a"), child)), fixture.tracker.kills());
    assertFalse(fixture.host.isAlive(child));
    assertTrue(fixture.launcher.process("b").alive());
  }

  @Test
  void executorsEndIndependently() {
    ExecutorRecord web = fixture.launch("web", "a");
    ExecutorRecord api = fixture.launch("api", "x");
    int mark = fixture.sink.size();

    fixture.launcher.process("x").exit(1);
    core.reap();

    assertEquals(
        List.of(update(api, "x", TaskState.TASK_FAILED, "Command exited with status 1")),
        fixture.sink.since(mark));
    assertTrue(core.executor("api").terminated());
    assertFalse(core.executor("web").terminated());
    assertEquals(Set.of(web.container(), container(web, "a")), fixture.containers());
  }
}
