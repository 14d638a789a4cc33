package dev.portcullis.agent.executor;

import static dev.portcullis.agent.executor.CoreFixture.kill;
import static dev.portcullis.agent.executor.CoreFixture.launched;
import static dev.portcullis.agent.executor.CoreFixture.limited;
import static dev.portcullis.agent.executor.CoreFixture.spec;
import static dev.portcullis.agent.executor.CoreFixture.update;
import static dev.portcullis.agent.executor.CoreFixture.violation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.PortRanges;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The layout of {@code portcullis run}: one task, whose container is the executor's. */
class ExecutorCoreInExecutorTest {

  private final CoreFixture fixture = CoreFixture.options().inExecutor().start();
  private final ExecutorCore core = fixture.core;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void theTaskRunsInTheExecutorsContainerItself() {
    ExecutorRecord run = fixture.launch("run", "task");

    assertEquals(run.container(), CoreFixture.container(run, "task"));
    assertEquals(launched(run), fixture.sink.updates());
    assertEquals(Set.of(run.container()), fixture.containers(), "no nested container");
    assertEquals(Set.of(fixture.pid("task")), fixture.tracker.pids(run.container()));
    assertEquals(1, core.census().trackedContainers());
  }

  @Test
  void itsExitEndsTheExecutor() {
    ExecutorRecord run = fixture.launch("run", "task");

    fixture.launcher.process("task").exit(0);
    core.reap();

    assertEquals(
        List.of(update(run, "task", TaskState.TASK_FINISHED, "Command exited with status 0")),
        fixture.sink.since(2));
    assertEquals(List.of(kill(run.container())), fixture.tracker.kills());
    assertEquals(Set.of(), fixture.containers());
    assertTrue(core.executor("run").terminated());
  }

  @Test
  void itIsLimitedInItsOwnName() {
    ExecutorRecord run = fixture.launch("run", "task");
    long pid = fixture.pid("task");
    fixture.host.listen(pid, 8080);

    core.scan();

    PortRanges unallocated = PortRanges.of(8080);
    assertEquals(
        List.of(limited(run, "task", violation(run.container(), unallocated), unallocated)),
        fixture.sink.since(2));
    assertEquals(List.of(kill(run.container(), pid)), fixture.tracker.kills());
    assertEquals(List.of(KillReason.CONTAINER_LIMITATION), fixture.observer.kills());
    assertEquals(Set.of(), fixture.containers());
  }

  @Test
  void aKillKillsItsContainerOnce() {
    ExecutorRecord run = fixture.launch("run", "task");
    long pid = fixture.pid("task");

    core.kill("run", "Killed by SIGINT to portcullis run");

    assertEquals(
        List.of(update(run, "task", TaskState.TASK_KILLED, "Killed by SIGINT to portcullis run")),
        fixture.sink.since(2));
    assertEquals(List.of(kill(run.container(), pid)), fixture.tracker.kills());
  }

  @Test
  void moreThanOneTaskIsRefusedAndNothingChanges() {
    int saves = fixture.journal.saves().size();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> core.launch(spec("run", "a", "b")));

    assertEquals("an executor whose task is its container has one task", e.getMessage());
    assertEquals(List.of(), fixture.sink.updates());
    assertEquals(List.of(), core.executors());
    assertEquals(saves, fixture.journal.saves().size());
    assertEquals(Set.of(), fixture.containers());
    assertEquals(List.of(), fixture.launcher.starts());
  }
}
