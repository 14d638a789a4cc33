package dev.portcullis.agent.executor;

import static dev.portcullis.agent.executor.CoreFixture.ALLOCATED;
import static dev.portcullis.agent.executor.CoreFixture.LAUNCH_FAILED;
import static dev.portcullis.agent.executor.CoreFixture.ROOT_CGROUP;
import static dev.portcullis.agent.executor.CoreFixture.kill;
import static dev.portcullis.agent.executor.CoreFixture.launched;
import static dev.portcullis.agent.executor.CoreFixture.limited;
import static dev.portcullis.agent.executor.CoreFixture.task;
import static dev.portcullis.agent.executor.CoreFixture.update;
import static dev.portcullis.agent.executor.CoreFixture.violation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.testkit.FakeProcessTracker;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Executors that adopt a cgroup another engine made, such as a podman container's: nothing is
 * launched, the cgroup is judged and limited as any executor's, its task ends when it empties, and
 * the agent kills what is in it only for a limitation or a kill request, never on its own failure.
 */
class ExecutorCoreAdoptionTest {

  /** Where the engine keeps its container, outside the tracker's root. */
  static final String ENGINE = "/machine.slice/libpod-3f2a.scope";

  /** The engine's own sub-cgroup of the container, as podman makes one. */
  static final String ENGINE_INNER = ENGINE + "/container";

  static ExecutorSpec adoption(String executorId, String taskId, String cgroup) {
    return new ExecutorSpec(
        executorId,
        "cpus:0.1;ports:" + ALLOCATED,
        ALLOCATED,
        List.of(),
        List.of(new TaskSpec(taskId, List.of(), Optional.empty())),
        Optional.of(new Adoption(cgroup, Optional.empty())));
  }

  static String emptied(String cgroup) {
    return new Termination.Emptied(cgroup).message();
  }

  /** The kills that found processes to kill. */
  static List<FakeProcessTracker.Kill> killsOfProcesses(CoreFixture fixture) {
    return fixture.tracker.kills().stream().filter(kill -> !kill.pids().isEmpty()).toList();
  }

  /** An agent started fresh on a host where an engine runs a container of two processes. */
  abstract static class OnAHostWithAContainer {

    CoreFixture fixture;
    long server;
    long worker;

    CoreFixture.Options options() {
      return CoreFixture.options();
    }

    @BeforeEach
    void start() {
      fixture = options().start();
      fixture.host.createCgroup(ENGINE_INNER);
      server = fixture.host.spawn(ENGINE);
      worker = fixture.host.spawn(ENGINE_INNER);
    }

    @AfterEach
    void close() {
      fixture.close();
    }

    ExecutorRecord adopt() {
      return fixture.core.launch(adoption("cache", "c", ENGINE));
    }

    void assertEngineUntouched() {
      assertTrue(fixture.host.isAlive(server), "the engine's process lives");
      assertTrue(fixture.host.isAlive(worker), "the engine's process lives");
      assertEquals(List.of(), killsOfProcesses(fixture));
      assertEquals(ENGINE_INNER, fixture.host.cgroupOf(worker));
    }

    void assertEngineKilledAndCgroupKept(ContainerId root) {
      assertFalse(fixture.host.isAlive(server));
      assertFalse(fixture.host.isAlive(worker));
      assertTrue(fixture.host.cgroupExists(ENGINE_INNER), "the engine's cgroups are its own");
      assertEquals(Optional.empty(), fixture.tracker.adoptedCgroup(root), "forgotten");
      assertEquals(List.of(root), fixture.launcher.released());
    }
  }

  @Nested
  class Adopting extends OnAHostWithAContainer {

    @Test
    void anAdoptionIsReportedStartingThenRunningAndLaunchesNothing() {
      ExecutorRecord cache = adopt();

      assertEquals(launched(cache), fixture.sink.updates());
      assertEquals(Optional.of(new Adoption(ENGINE, Optional.empty())), cache.adoption());
      TaskRecord task = task(cache, "c");
      assertEquals(cache.container(), task.container(), "the task is the whole cgroup");
      assertEquals(TaskState.TASK_RUNNING, task.state());
      assertEquals(List.of(), task.command());
      assertFalse(cache.terminated());
      assertEquals(List.of(), fixture.launcher.starts());
      assertEquals(Set.of(), fixture.containers(), "nothing is made under the root");
      assertEquals(Optional.of(ENGINE), fixture.tracker.adoptedCgroup(cache.container()));
      assertEquals(
          Set.of(server, worker), fixture.tracker.pids(cache.container()), "the cgroup's subtree");
      assertEquals(List.of(), fixture.tracker.kills());
      assertEngineUntouched();
      assertEquals(List.of(cache), fixture.journal.last().orElseThrow());
      assertEquals(1, fixture.core.census().trackedContainers());
    }

    @Test
    void aRunningAdoptionIsNotReapedWhileItsCgroupHoldsAProcess() {
      ExecutorRecord cache = adopt();
      int mark = fixture.sink.size();

      fixture.core.reap();
      fixture.host.exit(server);
      fixture.core.reap();

      assertEquals(List.of(), fixture.sink.since(mark));
      assertFalse(fixture.core.executor("cache").terminated());
      assertEquals(TaskState.TASK_RUNNING, task(fixture.core.executor("cache"), "c").state());
      assertTrue(fixture.host.isAlive(worker));
      assertEquals(Optional.of(ENGINE), fixture.tracker.adoptedCgroup(cache.container()));
    }

    @Test
    void anAdoptionIsJudgedAsAnyExecutor() {
      ExecutorRecord cache = adopt();
      fixture.host.listen(worker, 31000);
      int mark = fixture.sink.size();

      fixture.core.scan();

      assertEquals(List.of(), fixture.sink.since(mark));
      assertEquals(Optional.of(PortRanges.of(31000)), fixture.core.executor("cache").listening());
      assertEngineUntouched();
      assertEquals(Optional.of(ENGINE), fixture.tracker.adoptedCgroup(cache.container()));
    }

    @Test
    void anUnallocatedPortFailsTheTaskAndKillsTheCgroupsProcesses() {
      ExecutorRecord cache = adopt();
      fixture.host.listen(worker, 9090);
      int mark = fixture.sink.size();

      fixture.core.scan();

      PortRanges unallocated = PortRanges.of(9090);
      assertEquals(
          List.of(limited(cache, "c", violation(cache.container(), unallocated), unallocated)),
          fixture.sink.since(mark));
      assertEquals(List.of(kill(cache.container(), server, worker)), fixture.tracker.kills());
      assertEquals(List.of(KillReason.CONTAINER_LIMITATION), fixture.observer.kills());
      assertTrue(fixture.core.executor("cache").terminated());
      assertEngineKilledAndCgroupKept(cache.container());
      assertEquals(0, fixture.core.census().trackedContainers());
    }

    @Test
    void theTaskFinishesWhenTheCgroupEmpties() {
      ExecutorRecord cache = adopt();
      int mark = fixture.sink.size();
      fixture.host.exit(server);
      fixture.host.exit(worker);

      fixture.core.reap();

      assertEquals(
          List.of(update(cache, "c", TaskState.TASK_FINISHED, emptied(ENGINE))),
          fixture.sink.since(mark));
      assertTrue(fixture.core.executor("cache").terminated());
      assertEquals(List.of(), killsOfProcesses(fixture));
      assertEquals(List.of(), fixture.observer.kills());
      assertTrue(fixture.host.cgroupExists(ENGINE_INNER), "the engine's cgroups are its own");
      assertEquals(Optional.empty(), fixture.tracker.adoptedCgroup(cache.container()));
      assertEquals(List.of(cache.container()), fixture.launcher.released());
    }

    @Test
    void theTaskFinishesWhenTheCgroupIsGone() {
      ExecutorRecord cache = adopt();
      int mark = fixture.sink.size();
      fixture.host.exit(server);
      fixture.host.exit(worker);
      fixture.host.removeCgroup(ENGINE);

      fixture.core.reap();

      assertEquals(
          List.of(update(cache, "c", TaskState.TASK_FINISHED, emptied(ENGINE))),
          fixture.sink.since(mark));
      assertTrue(fixture.core.executor("cache").terminated());
    }

    @Test
    void aKillRequestKillsTheCgroupsProcesses() {
      ExecutorRecord cache = adopt();
      int mark = fixture.sink.size();

      fixture.core.kill("cache", "Killed on request");

      assertEquals(
          List.of(update(cache, "c", TaskState.TASK_KILLED, "Killed on request")),
          fixture.sink.since(mark));
      assertEquals(List.of(kill(cache.container(), server, worker)), fixture.tracker.kills());
      assertEquals(List.of(KillReason.KILL_REQUEST), fixture.observer.kills());
      assertTrue(fixture.core.executor("cache").terminated());
      assertEngineKilledAndCgroupKept(cache.container());
    }

    @Test
    void theSameCgroupCannotBeAdoptedTwice() {
      ExecutorRecord cache = adopt();
      int saves = fixture.journal.saves().size();
      int mark = fixture.sink.size();

      ConflictException e =
          assertThrows(
              ConflictException.class, () -> fixture.core.launch(adoption("again", "c2", ENGINE)));

      assertEquals(Optional.of("adoption"), e.field());
      assertEquals("cgroup " + ENGINE + " is adopted already, by executor 'cache'", e.getMessage());
      assertThrows(UnknownExecutorException.class, () -> fixture.core.executor("again"));
      assertEquals(List.of(cache), fixture.core.executors());
      assertEquals(saves, fixture.journal.saves().size());
      assertEquals(List.of(), fixture.sink.since(mark));
      assertEquals(Optional.of(ENGINE), fixture.tracker.adoptedCgroup(cache.container()));
      assertEngineUntouched();
    }

    @Test
    void aCgroupIsAdoptedAgainOnceItsExecutorHasEnded() {
      ExecutorRecord cache = adopt();
      fixture.host.exit(server);
      fixture.host.exit(worker);
      fixture.core.reap();
      long again = fixture.host.spawn(ENGINE);

      ExecutorRecord second = fixture.core.launch(adoption("again", "c2", ENGINE));

      assertFalse(second.terminated());
      assertNotEquals(cache.container(), second.container(), "a fresh container");
      assertEquals(Set.of(again), fixture.tracker.pids(second.container()));
    }

    @Test
    void anotherCgroupIsAdoptedBesideIt() {
      adopt();
      String other = "/machine.slice/libpod-77e1.scope";
      fixture.host.createCgroup(other);
      long elsewhere = fixture.host.spawn(other);

      ExecutorRecord second = fixture.core.launch(adoption("other", "o", other));

      assertEquals(Set.of(elsewhere), fixture.tracker.pids(second.container()));
      assertEquals(2, fixture.core.executors().size());
    }

    @Test
    void takenIdsAreRefusedBeforeTheCgroupIsAdopted() {
      fixture.launch("web", "a");
      int saves = fixture.journal.saves().size();

      ConflictException executor =
          assertThrows(
              ConflictException.class, () -> fixture.core.launch(adoption("web", "c", ENGINE)));
      assertEquals(Optional.of("executor_id"), executor.field());

      ConflictException task =
          assertThrows(
              ConflictException.class, () -> fixture.core.launch(adoption("cache", "a", ENGINE)));
      assertEquals(Optional.of("tasks[0].task_id"), task.field());

      assertEquals(saves, fixture.journal.saves().size());
      assertEquals(1, fixture.core.executors().size());
      // Neither left an adoption behind: the cgroup is still free to adopt.
      assertFalse(adopt().terminated());
    }

    /** The launch recorded it before failing; what it was told to watch must live on. */
    @Test
    void aJournalThatCannotRecordTheAdoptionFailsItWithoutKillingTheContainer() {
      // The save that follows the adoption itself, before anything is reported.
      fixture.journal.failNext(new IOException("disk full"));

      LaunchFailedException e = assertThrows(LaunchFailedException.class, this::adopt);

      ExecutorRecord cache = e.executor();
      assertFalse(e.started());
      assertTrue(cache.terminated());
      assertEquals(
          List.of(
              update(
                  cache,
                  "c",
                  TaskState.TASK_FAILED,
                  LAUNCH_FAILED,
                  "Failed to launch the task: disk full")),
          fixture.sink.updates());
      assertEngineUntouched();
      assertTrue(fixture.host.cgroupExists(ENGINE_INNER));
      assertEquals(Optional.empty(), fixture.tracker.adoptedCgroup(cache.container()));
      assertEquals(List.of(KillReason.LAUNCH_FAILED), fixture.observer.kills());
      assertEquals(List.of(cache), fixture.journal.last().orElseThrow());

      // Forgotten: the cgroup can be adopted again.
      ExecutorRecord again = fixture.core.launch(adoption("again", "c2", ENGINE));
      assertEquals(Set.of(server, worker), fixture.tracker.pids(again.container()));
    }
  }

  @Nested
  class Refusals extends OnAHostWithAContainer {

    void assertNothingChanged(int saves) {
      assertEquals(List.of(), fixture.core.executors());
      assertEquals(saves, fixture.journal.saves().size());
      assertEquals(List.of(), fixture.sink.updates());
      assertEquals(List.of(), fixture.tracker.kills());
      assertEquals(Set.of(), fixture.containers());
      assertEquals(0, fixture.core.census().trackedContainers());
      assertEngineUntouched();
    }

    @Test
    void aTrackerThatCannotAdoptRefusesTheAdoption() {
      fixture.faults.cannotAdopt();
      int saves = fixture.journal.saves().size();

      RefusedException e = assertThrows(RefusedException.class, this::adopt);

      assertEquals(Optional.of("adoption"), e.field());
      assertEquals(
          "the process tracker 'testkit' cannot follow a cgroup outside its root", e.getMessage());
      assertNothingChanged(saves);
      assertThrows(UnknownExecutorException.class, () -> fixture.core.executor("cache"));
    }

    @Test
    void aCgroupTheHostLacksIsRefused() {
      int saves = fixture.journal.saves().size();

      RefusedException e =
          assertThrows(
              RefusedException.class,
              () -> fixture.core.launch(adoption("cache", "c", "/machine.slice/gone.scope")));

      assertEquals(Optional.of("adoption"), e.field());
      assertTrue(e.getMessage().startsWith("cannot adopt cgroup /machine.slice/gone.scope: "));
      assertTrue(e.getMessage().contains("the host has no such cgroup"), e.getMessage());
      assertNothingChanged(saves);
      // The ids are free: the same request for an existing cgroup is taken.
      assertFalse(adopt().terminated());
    }

    @Test
    void aCgroupUnderTheRootIsRefused() {
      String own = ROOT_CGROUP + "/3c1f";
      int saves = fixture.journal.saves().size();

      RefusedException e =
          assertThrows(
              RefusedException.class, () -> fixture.core.launch(adoption("cache", "c", own)));

      assertTrue(e.getMessage().contains("inside the cgroups root"), e.getMessage());
      assertNothingChanged(saves);
    }

    @Test
    void aMalformedCgroupIsRefused() {
      int saves = fixture.journal.saves().size();
      RefusedException e =
          assertThrows(
              RefusedException.class,
              () -> fixture.core.launch(adoption("cache", "c", "/machine.slice/../etc")));
      assertTrue(e.getMessage().contains("'..' segment"), e.getMessage());
      assertNothingChanged(saves);
    }
  }

  @Nested
  class Guarded extends OnAHostWithAContainer {

    @Override
    CoreFixture.Options options() {
      return CoreFixture.options().guarded();
    }

    /**
     * The testkit's guard attaches only under the root (it adopts no cgroup): an adopted container
     * would go unguarded.
     */
    @Test
    void anAgentWhoseGuardCannotAdoptRefusesAdoptions() {
      int saves = fixture.journal.saves().size();

      RefusedException e = assertThrows(RefusedException.class, this::adopt);

      assertEquals(Optional.of("adoption"), e.field());
      assertTrue(e.getMessage().contains("cannot guard a cgroup outside"), e.getMessage());
      assertEquals(List.of(), fixture.core.executors());
      assertEquals(saves, fixture.journal.saves().size());
      assertEquals(List.of(), fixture.sink.updates());
      assertEngineUntouched();
    }
  }

  /** An agent that adopted the engine's container stops; another starts on the same host. */
  @Nested
  class Recovering {

    private CoreFixture before;
    private CoreFixture after;
    private ExecutorRecord cache;
    private long server;
    private long worker;

    @BeforeEach
    void adoptThenStop() {
      before = CoreFixture.started();
      before.host.createCgroup(ENGINE_INNER);
      server = before.host.spawn(ENGINE);
      worker = before.host.spawn(ENGINE_INNER);
      cache = before.core.launch(adoption("cache", "c", ENGINE));
      after = before.restarted();
    }

    @AfterEach
    void close() {
      before.close();
      after.close();
    }

    private void recover() throws IOException {
      after.core.recover(before.journal.last().orElseThrow(), Map.of());
    }

    @Test
    void theCgroupIsAdoptedAgainAndGoesOnRunning() throws IOException {
      assertEquals(Optional.empty(), after.tracker.adoptedCgroup(cache.container()));

      recover();

      assertEquals(List.of(), after.sink.updates());
      assertEquals(List.of(), after.tracker.kills(), "no orphan, nothing decided");
      assertEquals(List.of(), after.observer.kills());
      assertEquals(Optional.of(ENGINE), after.tracker.adoptedCgroup(cache.container()));
      ExecutorRecord recovered = after.core.executor("cache");
      assertFalse(recovered.terminated());
      assertEquals(cache.adoption(), recovered.adoption());
      assertEquals(TaskState.TASK_RUNNING, task(recovered, "c").state());
      assertTrue(after.host.isAlive(server));
      assertTrue(after.host.isAlive(worker));
      assertEquals(1, after.core.census().trackedContainers());
    }

    @Test
    void theRecoveredAdoptionIsStillEnforced() throws IOException {
      recover();
      after.host.listen(worker, 9090);

      after.core.scan();

      PortRanges unallocated = PortRanges.of(9090);
      assertEquals(
          List.of(limited(cache, "c", violation(cache.container(), unallocated), unallocated)),
          after.sink.updates());
      assertEquals(List.of(kill(cache.container(), server, worker)), after.tracker.kills());
      assertFalse(after.host.isAlive(server));
      assertTrue(after.host.cgroupExists(ENGINE));
    }

    @Test
    void aPortOpenedWhileTheAgentWasDownIsFoundAtTheFirstScan() throws IOException {
      after.host.listen(server, 9090);

      recover();

      PortRanges unallocated = PortRanges.of(9090);
      assertEquals(
          List.of(limited(cache, "c", violation(cache.container(), unallocated), unallocated)),
          after.sink.updates());
      assertEquals(List.of(kill(cache.container(), server, worker)), after.tracker.kills());
    }

    @Test
    void aRecoveredAdoptionEndsWhenItsCgroupEmpties() throws IOException {
      recover();
      after.host.exit(server);
      after.host.exit(worker);

      after.core.reap();

      assertEquals(
          List.of(update(cache, "c", TaskState.TASK_FINISHED, emptied(ENGINE))),
          after.sink.updates());
      assertTrue(after.core.executor("cache").terminated());
      assertEquals(List.of(), killsOfProcesses(after));
    }

    @Test
    void anAdoptionWhoseCgroupEmptiedWhileTheAgentWasDownEnds() throws IOException {
      after.host.exit(server);
      after.host.exit(worker);

      recover();

      assertEquals(
          List.of(update(cache, "c", TaskState.TASK_FINISHED, emptied(ENGINE))),
          after.sink.updates());
      assertTrue(after.core.executor("cache").terminated());
      assertEquals(List.of(), killsOfProcesses(after));
      assertTrue(after.host.cgroupExists(ENGINE));
    }

    @Test
    void anAdoptionWhoseCgroupVanishedWhileTheAgentWasDownEnds() throws IOException {
      after.host.exit(server);
      after.host.exit(worker);
      after.host.removeCgroup(ENGINE);
      // Another service of the host, which nothing adopted.
      after.host.createCgroup("/system.slice/other.service");
      long bystander = after.host.spawn("/system.slice/other.service");

      recover();

      assertEquals(
          List.of(update(cache, "c", TaskState.TASK_FINISHED, emptied(ENGINE))),
          after.sink.updates());
      assertTrue(after.core.executor("cache").terminated());
      assertEquals(List.of(), killsOfProcesses(after));
      assertTrue(after.host.isAlive(bystander));
    }
  }

  @Test
  void aTerminatedAdoptionIsNotAdoptedAgain() throws IOException {
    try (CoreFixture before = CoreFixture.started()) {
      before.host.createCgroup(ENGINE);
      before.host.spawn(ENGINE);
      ExecutorRecord cache = before.core.launch(adoption("cache", "c", ENGINE));
      before.core.kill("cache", "Killed on request");
      // The engine starts a container again in the same cgroup, as one restarted by it would.
      long restarted = before.host.spawn(ENGINE);

      try (CoreFixture after = before.restarted()) {
        after.core.recover(before.journal.last().orElseThrow(), Map.of());

        assertTrue(after.core.executor("cache").terminated());
        assertEquals(Optional.empty(), after.tracker.adoptedCgroup(cache.container()));
        assertEquals(List.of(), killsOfProcesses(after));
        assertEquals(List.of(), after.sink.updates());
        assertTrue(after.host.isAlive(restarted));
      }
    }
  }

  /**
   * The agent stops at each step of an adoption that the host or a later agent can see, and a new
   * one recovers from what the journal and the published updates hold: whatever the step, and
   * whether the adoption succeeds or fails for its journal, the engine's container is never killed,
   * and the task ends up running, adopted, or ended without it.
   */
  @ParameterizedTest(name = "journal fails: {0}")
  @ValueSource(booleans = {false, true})
  void aCrashAtAnyStepOfAnAdoptionNeverKillsTheContainer(boolean journalFails) throws IOException {
    int crashes = 0;
    for (int step = 1; ; step++) {
      try (CoreFixture before = CoreFixture.started()) {
        before.host.createCgroup(ENGINE);
        long server = before.host.spawn(ENGINE);
        if (journalFails) {
          before.journal.failNext(new IOException("disk full"));
        }
        before.crashes.before(step);
        try {
          before.core.launch(adoption("cache", "c", ENGINE));
          assertFalse(journalFails, "the launch failed");
        } catch (LaunchFailedException failed) {
          assertTrue(journalFails, failed::getMessage);
        } catch (Crashes.Crash crash) {
          crashes++;
        }
        if (crashes < step) {
          // No crash: every step has been crashed at.
          assertTrue(crashes >= 3, "crashed at only " + crashes + " steps");
          return;
        }
        String at = "crashed before step " + step;
        Map<ContainerId, TaskStatus> reported = new LinkedHashMap<>();
        before.sink.updates().forEach(update -> reported.put(update.container(), update));
        List<ExecutorRecord> checkpoint = before.journal.last().orElseThrow();
        try (CoreFixture after = before.restarted()) {
          after.core.recover(checkpoint, reported);

          assertTrue(after.host.isAlive(server), at);
          assertEquals(List.of(), killsOfProcesses(after), at);
          assertTrue(after.host.cgroupExists(ENGINE), at);
          if (checkpoint.isEmpty()) {
            assertEquals(List.of(), after.core.executors(), at);
            continue;
          }
          ExecutorRecord cache = after.core.executor("cache");
          TaskState state = task(cache, "c").state();
          if (cache.terminated()) {
            assertEquals(TaskState.TASK_FAILED, state, at);
            assertEquals(Optional.empty(), after.tracker.adoptedCgroup(cache.container()), at);
          } else {
            assertEquals(TaskState.TASK_RUNNING, state, at);
            assertEquals(Optional.of(ENGINE), after.tracker.adoptedCgroup(cache.container()), at);
          }
        }
      }
    }
  }
}
