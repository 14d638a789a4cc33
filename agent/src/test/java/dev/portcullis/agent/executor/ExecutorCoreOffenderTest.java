package dev.portcullis.agent.executor;

import static dev.portcullis.agent.executor.CoreFixture.container;
import static dev.portcullis.agent.executor.CoreFixture.kill;
import static dev.portcullis.agent.executor.CoreFixture.limited;
import static dev.portcullis.agent.executor.CoreFixture.update;
import static dev.portcullis.agent.executor.CoreFixture.violation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.KillScope;
import dev.portcullis.api.PolicyContext;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A policy that kills the offending container alone: the task that listens fails with the
 * limitation, and the other tasks of its group go on running and end as they would have.
 */
class ExecutorCoreOffenderTest {

  private static CoreFixture offenderCore() {
    return CoreFixture.options().killing(KillScope.OFFENDER).start();
  }

  @Test
  void theOffenderFailsWithTheLimitationAndItsSiblingRunsOnAndFinishes() {
    try (CoreFixture fixture = offenderCore()) {
      ExecutorRecord web = fixture.launch("web", "a", "b");
      long a = fixture.pid("a");
      long b = fixture.pid("b");
      fixture.host.listen(a, 9090);
      fixture.host.listen(b, 31000);
      int mark = fixture.sink.size();

      fixture.core.scan();
      fixture.core.reap();

      PortRanges unallocated = PortRanges.of(9090);
      TaskStatus failed =
          limited(web, "a", violation(container(web, "a"), unallocated), unallocated);
      assertEquals(List.of(failed), fixture.sink.since(mark));
      assertEquals(List.of(kill(container(web, "a"), a)), fixture.tracker.kills());
      assertEquals(List.of(KillReason.CONTAINER_LIMITATION), fixture.observer.kills());
      assertFalse(fixture.core.executor("web").terminated());
      assertTrue(fixture.host.isAlive(b));
      fixture.core.scan();
      ExecutorRecord running = fixture.core.executor("web");
      assertEquals(List.of(failed), fixture.sink.since(mark), "nothing more is killed");
      assertEquals(
          Optional.of(PortRanges.of(31000)),
          running.listening(),
          "the sibling is still judged, on its root's allocation");

      fixture.launcher.process("b").exit(0);
      fixture.core.reap();

      assertEquals(
          List.of(
              failed, update(web, "b", TaskState.TASK_FINISHED, "Command exited with status 0")),
          fixture.sink.since(mark));
      assertTrue(fixture.core.executor("web").terminated());
      assertEquals(Set.of(), fixture.containers());
      assertEquals(List.of(KillReason.CONTAINER_LIMITATION), fixture.observer.kills());
    }
  }

  @Test
  void twoOffendersInOneScanEachFailAloneAndTheExecutorEndsWithTheLast() {
    try (CoreFixture fixture = offenderCore()) {
      ExecutorRecord web = fixture.launch("web", "a", "b");
      fixture.host.listen(fixture.pid("a"), 9090);
      fixture.host.listen(fixture.pid("b"), 9091);
      int mark = fixture.sink.size();

      fixture.core.scan();

      assertEquals(
          List.of(
              limited(
                  web,
                  "a",
                  violation(container(web, "a"), PortRanges.of(9090)),
                  PortRanges.of(9090)),
              limited(
                  web,
                  "b",
                  violation(container(web, "b"), PortRanges.of(9091)),
                  PortRanges.of(9091))),
          fixture.sink.since(mark));
      assertTrue(fixture.core.executor("web").terminated());
      assertEquals(Set.of(), fixture.containers());
      assertEquals(
          List.of(KillReason.CONTAINER_LIMITATION, KillReason.CONTAINER_LIMITATION),
          fixture.observer.kills());
    }
  }

  @Test
  void theDecisionIsRecordedBeforeTheKillAndRecoveryCompletesIt() throws Exception {
    try (CoreFixture fixture = offenderCore()) {
      ExecutorRecord web = fixture.launch("web", "a", "b");
      fixture.host.listen(fixture.pid("a"), 9090);
      // Step 1 records the decision; step 2 is the kill.
      fixture.crashes.before(2);
      Crashes.Crash crash = assertThrows(Crashes.Crash.class, fixture.core::scan);
      assertTrue(crash.getMessage().contains("killing"), crash.getMessage());
      TaskRecord recorded = fixture.journal.last().orElseThrow().get(0).tasks().iterator().next();
      assertTrue(recorded.decision().isPresent(), "decided before the kill");
      assertEquals(TaskState.TASK_RUNNING, recorded.state());

      try (CoreFixture after = fixture.restarted()) {
        after.core.recover(fixture.journal.last().orElseThrow(), Map.of());
        PortRanges unallocated = PortRanges.of(9090);
        assertEquals(
            List.of(limited(web, "a", violation(container(web, "a"), unallocated), unallocated)),
            after.sink.updates());
        assertFalse(after.core.executor("web").terminated(), "b goes on");
        assertTrue(fixture.host.isAlive(fixture.pid("b")));
        assertFalse(fixture.host.isAlive(fixture.pid("a")));
      }
    }
  }

  @Test
  void aFailedSiblingStillFailsTheGroupAfterAnOffenderWasKilledAlone() {
    try (CoreFixture fixture = offenderCore()) {
      ExecutorRecord web = fixture.launch("web", "a", "b", "c");
      fixture.host.listen(fixture.pid("a"), 9090);
      fixture.core.scan();
      int mark = fixture.sink.size();

      fixture.launcher.process("b").exit(3);
      fixture.core.reap();

      assertEquals(
          List.of(
              update(web, "b", TaskState.TASK_FAILED, "Command exited with status 3"),
              update(
                  web,
                  "c",
                  TaskState.TASK_KILLED,
                  "Killed because task b of its task group failed")),
          fixture.sink.since(mark));
      assertTrue(fixture.core.executor("web").terminated());
    }
  }

  @Test
  void policiesAreToldWhichTaskEachContainerRunsAtLaunchAndAtRecovery() throws Exception {
    TaskIdsHeard recording = new TaskIdsHeard();
    Map<ContainerId, Optional<String>> told = recording.told;
    try (CoreFixture fixture = CoreFixture.options().policy(recording).start()) {
      ExecutorRecord web = fixture.launch("web", "a", "b");
      Map<ContainerId, Optional<String>> expected =
          Map.of(
              web.container(),
              Optional.empty(),
              container(web, "a"),
              Optional.of("a"),
              container(web, "b"),
              Optional.of("b"));
      assertEquals(expected, told);

      told.clear();
      try (CoreFixture after = fixture.restarted()) {
        after.core.recover(fixture.journal.last().orElseThrow(), Map.of());
        assertEquals(expected, told);
      }
    }
  }

  @Test
  void aTaskRunInItsExecutorsContainerIsThatContainersTask() {
    TaskIdsHeard recording = new TaskIdsHeard();
    Map<ContainerId, Optional<String>> told = recording.told;
    try (CoreFixture fixture = CoreFixture.options().inExecutor().policy(recording).start()) {
      ExecutorRecord run = fixture.launch("run", "only");
      assertEquals(Map.of(run.container(), Optional.of("only")), told);
    }
  }

  /** A policy that kills as Mesos does and remembers which task each prepared container runs. */
  private static final class TaskIdsHeard implements EnforcementPolicy {
    final Map<ContainerId, Optional<String>> told = new ConcurrentHashMap<>();

    @Override
    public void prepared(ContainerId container, ContainerConfig config) {
      told.put(container, config.taskId());
    }

    @Override
    public Verdict decide(Violation violation, PolicyContext context) {
      return Verdict.kill(violation.message());
    }

    @Override
    public String name() {
      return "task-ids-heard";
    }

    @Override
    public int order() {
      return 0;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
      return Optional.empty();
    }
  }
}
