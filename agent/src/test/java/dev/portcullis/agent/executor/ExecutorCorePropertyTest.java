package dev.portcullis.agent.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.KillScope;
import dev.portcullis.api.PortRanges;
import dev.portcullis.testkit.FakeProcessTracker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever happens to the tasks and in whatever order — exits, listeners on allocated and
 * unallocated ports, listeners a guard stops, forks, kills, scans, reaps, agent restarts and agent
 * crashes at any step, with kills of the root or of the offender alone — every task is reported
 * starting, running and ended, exactly once each, every executor's root is killed at most once
 * (again only after a crash), and once every executor has ended nothing is left on the host.
 */
class ExecutorCorePropertyTest {

  /** One thing that happens; indexes are taken modulo the number of tasks or executors. */
  sealed interface Step {}

  /** A task's command exits by itself. */
  record Exit(int task, int status) implements Step {}

  /** A task's process listens on a port. */
  record Listen(int task, int port) implements Step {}

  /** A task's process listens on a port it never bound, one its guard does not allow. */
  record ListenUnbound(int task) implements Step {}

  /** A task's command forks a child that stays in its container. */
  record Fork(int task) implements Step {}

  /** An executor is killed on request. */
  record Kill(int executor) implements Step {}

  record Scan() implements Step {}

  record Reap() implements Step {}

  /** The agent stops and a new one recovers from the last record of its journal. */
  record Restart() implements Step {}

  /**
   * The agent will crash just before its n-th next journal save, status update or kill, and a new
   * one recovers from its journal and the updates it had published, as the daemon's are logged.
   */
  record Crash(int before) implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 11);
    Arbitrary<Step> exit = Combinators.combine(index, Arbitraries.of(0, 1, 137)).as(Exit::new);
    Arbitrary<Step> listen =
        Combinators.combine(index, Arbitraries.of(31000, 31001, 9090, 9091)).as(Listen::new);
    return Arbitraries.frequencyOf(
            Tuple.of(4, exit),
            Tuple.of(3, listen),
            Tuple.of(1, index.map(ListenUnbound::new)),
            Tuple.of(1, index.map(Fork::new)),
            Tuple.of(1, index.map(Kill::new)),
            Tuple.of(3, Arbitraries.just(new Scan())),
            Tuple.of(3, Arbitraries.just(new Reap())),
            Tuple.of(1, Arbitraries.just(new Restart())),
            Tuple.of(3, Arbitraries.integers().between(1, 3).map(Crash::new)))
        .list()
        .ofMaxSize(30);
  }

  /** The agent under test, across restarts, and what every agent so far reported and killed. */
  private static final class Agents implements AutoCloseable {
    CoreFixture current;
    final List<CoreFixture> all = new ArrayList<>();

    Agents(CoreFixture first) {
      this.current = first;
      all.add(first);
    }

    int crashes;

    void restart() throws IOException {
      List<ExecutorRecord> checkpoint = current.journal.last().orElseThrow();
      Map<ContainerId, TaskStatus> reported = new HashMap<>();
      all.forEach(agent -> agent.sink.updates().forEach(u -> reported.put(u.container(), u)));
      current = current.restarted();
      all.add(current);
      current.core.recover(checkpoint, reported);
    }

    /** Runs a step; if the agent crashes during it, a new one recovers. */
    void run(Runnable step) throws IOException {
      try {
        step.run();
      } catch (Crashes.Crash crash) {
        crashes++;
        restart();
      }
    }

    List<TaskStatus> updates(String taskId) {
      return all.stream().flatMap(agent -> agent.sink.of(taskId).stream()).toList();
    }

    List<FakeProcessTracker.Kill> kills() {
      return all.stream().flatMap(agent -> agent.tracker.kills().stream()).toList();
    }

    @Override
    public void close() {
      current.close();
    }
  }

  @Property(tries = 200, seed = "20240501")
  void everyTaskEndsOnceAndNothingIsLeft(
      @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 1, max = 3) Integer> groups,
      @ForAll("steps") List<Step> steps,
      @ForAll boolean inExecutor,
      @ForAll boolean guarded,
      @ForAll boolean enforcing,
      @ForAll KillScope scope,
      @ForAll boolean countingEnds)
      throws IOException {
    CoreFixture.Options options =
        CoreFixture.options().enforcing(enforcing).killing(scope).countingEnds(countingEnds);
    if (inExecutor) {
      options.inExecutor();
    }
    if (guarded) {
      options.guarded();
    }
    try (Agents agents = new Agents(options.start())) {
      // The first agent's launcher started every process; the later ones only recover them.
      FakeLauncher launcher = agents.current.launcher;
      List<ExecutorRecord> executors = new ArrayList<>();
      List<String> tasks = new ArrayList<>();
      Map<String, ContainerId> containers = new HashMap<>();
      for (int e = 0; e < groups.size(); e++) {
        int size = inExecutor ? 1 : groups.get(e);
        String[] ids = new String[size];
        for (int t = 0; t < size; t++) {
          ids[t] = "e" + e + "t" + t;
        }
        ExecutorRecord executor = agents.current.launch("e" + e, ids);
        executors.add(executor);
        for (TaskRecord task : executor.tasks()) {
          tasks.add(task.taskId());
          containers.put(task.taskId(), task.container());
        }
      }

      for (Step step : steps) {
        if (step instanceof Restart) {
          // portcullis run, whose task is its container, never recovers.
          if (!inExecutor) {
            agents.restart();
          }
        } else if (step instanceof Crash crash) {
          if (!inExecutor) {
            agents.current.crashes.before(crash.before());
          }
        } else {
          agents.run(() -> run(agents.current, launcher, step, tasks, containers, executors));
        }
      }
      agents.current.crashes.before(0);
      CoreFixture last = agents.current;
      last.core.reap();
      for (ExecutorRecord executor : executors) {
        last.core.kill(executor.executorId(), "Killed at the end");
      }
      last.core.reap();
      last.core.scan();

      for (String task : tasks) {
        List<TaskStatus> updates = agents.updates(task);
        assertEquals(3, updates.size(), task + ": " + updates);
        assertEquals(TaskState.TASK_STARTING, updates.get(0).state());
        assertEquals(TaskState.TASK_RUNNING, updates.get(1).state());
        TaskStatus end = updates.get(2);
        assertTrue(end.state().isTerminal(), end.toString());
        assertEquals(containers.get(task), end.container());
        if (end.reason().equals(Optional.of(CoreFixture.LIMITATION))) {
          assertTrue(enforcing, "limited only when enforcing: " + end);
          PortRanges ports = end.limitedPorts().orElseThrow();
          assertFalse(ports.isEmpty());
          assertTrue(ports.intersect(CoreFixture.ALLOCATED).isEmpty(), end.toString());
        } else {
          assertEquals(Optional.empty(), end.limitedPorts(), end.toString());
        }
      }
      List<FakeProcessTracker.Kill> kills = agents.kills();
      for (ExecutorRecord executor : executors) {
        assertTrue(last.core.executor(executor.executorId()).terminated());
        long rootKills =
            kills.stream()
                .map(FakeProcessTracker.Kill::container)
                .filter(executor.container()::equals)
                .count();
        assertTrue(
            rootKills <= 1 + agents.crashes,
            executor.executorId()
                + " killed "
                + rootKills
                + " times, "
                + agents.crashes
                + " crashes");
      }
      assertEquals(Set.of(), last.containers());
      assertEquals(Set.of(), last.pidsUnderRoot());
      assertEquals(0, last.core.census().trackedContainers());
      last.guard.ifPresent(guard -> assertEquals(Map.of(), guard.guards()));
      assertEquals(last.core.executors(), last.journal.last().orElseThrow());
    }
  }

  private static void run(
      CoreFixture fixture,
      FakeLauncher launcher,
      Step step,
      List<String> tasks,
      Map<String, ContainerId> containers,
      List<ExecutorRecord> executors) {
    if (step instanceof Exit exit) {
      FakeLauncher.FakeProcess process = process(launcher, tasks, exit.task());
      if (process.alive()) {
        process.exit(exit.status());
      }
    } else if (step instanceof Listen listen) {
      FakeLauncher.FakeProcess process = process(launcher, tasks, listen.task());
      if (process.alive()) {
        fixture.host.listen(process.pid(), listen.port());
      }
    } else if (step instanceof ListenUnbound listen) {
      FakeLauncher.FakeProcess process = process(launcher, tasks, listen.task());
      if (process.alive() && fixture.guard.isPresent()) {
        String task = tasks.get(listen.task() % tasks.size());
        fixture.guard.get().listenUnbound(containers.get(task), process.pid(), 40000);
      }
    } else if (step instanceof Fork fork) {
      FakeLauncher.FakeProcess process = process(launcher, tasks, fork.task());
      if (process.alive()) {
        fixture.host.fork(process.pid());
      }
    } else if (step instanceof Kill kill) {
      fixture.core.kill(
          executors.get(kill.executor() % executors.size()).executorId(), "Killed on request");
    } else if (step instanceof Scan) {
      fixture.core.scan();
    } else if (step instanceof Reap) {
      fixture.core.reap();
    } else {
      throw new AssertionError("unknown step " + step);
    }
  }

  private static FakeLauncher.FakeProcess process(
      FakeLauncher launcher, List<String> tasks, int i) {
    return launcher.process(tasks.get(i % tasks.size()));
  }
}
