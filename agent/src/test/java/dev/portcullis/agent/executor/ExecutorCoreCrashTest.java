package dev.portcullis.agent.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.KillScope;
import dev.portcullis.api.PortRanges;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent stopped at every step of an ending — before each journal save, each status update and
 * each kill — then restarted from what its journal and its published updates hold: every task still
 * ends exactly as it would have without the crash, reported once, and nothing is left.
 */
class ExecutorCoreCrashTest {

  private static final String KILL_MESSAGE = "Killed by a kill request to the agent";

  /** How the executor ends, and what finishes the ending after a restart if the crash cut it. */
  enum Ending {
    LIMITATION(
        fixture -> {
          fixture.host.listen(fixture.pid("a"), 9090);
          fixture.core.scan();
        },
        (before, after) -> after.core.scan()),
    KILL_REQUEST(
        fixture -> fixture.core.kill("web", KILL_MESSAGE),
        (before, after) -> after.core.kill("web", KILL_MESSAGE)),
    GROUP_FAILURE(
        fixture -> {
          fixture.launcher.process("a").exit(1);
          fixture.core.reap();
        },
        (before, after) -> after.core.reap()),
    ALL_EXITED(
        fixture -> {
          fixture.launcher.process("a").exit(0);
          fixture.launcher.process("b").exit(0);
          fixture.core.reap();
        },
        (before, after) -> after.core.reap()),
    /** Task a is killed alone for its limitation; b goes on, then finishes. */
    OFFENDER_LIMITED(
        KillScope.OFFENDER,
        fixture -> {
          fixture.host.listen(fixture.pid("a"), 9090);
          fixture.core.scan();
          fixture.launcher.process("b").exit(0);
          fixture.core.reap();
        },
        (before, after) -> {
          after.core.scan();
          if (before.launcher.process("b").alive()) {
            before.launcher.process("b").exit(0);
          }
          after.core.reap();
        });

    final KillScope scope;
    final Consumer<CoreFixture> act;
    final BiConsumer<CoreFixture, CoreFixture> retry;

    Ending(Consumer<CoreFixture> act, BiConsumer<CoreFixture, CoreFixture> retry) {
      this(KillScope.ROOT, act, retry);
    }

    Ending(KillScope scope, Consumer<CoreFixture> act, BiConsumer<CoreFixture, CoreFixture> retry) {
      this.scope = scope;
      this.act = act;
      this.retry = retry;
    }
  }

  @ParameterizedTest
  @EnumSource(Ending.class)
  void aCrashAtAnyStepChangesNoStatusAndLosesNone(Ending ending) throws Exception {
    Map<String, Outcome> expected = terminalUpdates(uncrashed(ending));
    assertEquals(Set.of("a", "b"), expected.keySet());
    int crashes = 0;
    for (int step = 1; ; step++) {
      CoreFixture before = CoreFixture.options().killing(ending.scope).start();
      CoreFixture after = null;
      try {
        before.launch("web", "a", "b");
        before.crashes.before(step);
        try {
          ending.act.accept(before);
          // No crash: every step of this ending has been crashed at.
          assertTrue(crashes > 2, "crashed at only " + crashes + " steps");
          return;
        } catch (Crashes.Crash crash) {
          crashes++;
        }
        List<TaskStatus> published = before.sink.updates();
        after = before.restarted();
        after.core.recover(before.journal.last().orElseThrow(), lastOfEach(published));
        if (!after.core.executor("web").terminated()) {
          ending.retry.accept(before, after);
        }

        List<TaskStatus> all = new ArrayList<>(published);
        all.addAll(after.sink.updates());
        String at = ending + ", crashed before step " + step;
        assertEquals(expected, terminalUpdates(all), at);
        assertTrue(after.core.executor("web").terminated(), at);
        assertEquals(Set.of(), after.containers(), at);
        assertEquals(Set.of(), after.pidsUnderRoot(), at);
      } finally {
        before.close();
        if (after != null) {
          after.close();
        }
      }
      if (step > 100) {
        fail("the ending never ran without a crash");
      }
    }
  }

  private static List<TaskStatus> uncrashed(Ending ending) {
    try (CoreFixture fixture = CoreFixture.options().killing(ending.scope).start()) {
      fixture.launch("web", "a", "b");
      ending.act.accept(fixture);
      return fixture.sink.updates();
    }
  }

  /** What a terminal update says, without the container names, which each launch draws afresh. */
  private record Outcome(
      TaskState state,
      Optional<String> reason,
      Optional<String> message,
      Optional<PortRanges> ports) {
    static Outcome of(TaskStatus update) {
      return new Outcome(
          update.state(),
          update.reason(),
          update.message().map(text -> UUID.matcher(text).replaceAll("<uuid>")),
          update.limitedPorts());
    }
  }

  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /**
   * What each task's terminal update says; fails if a task has two, or an update after its terminal
   * one.
   */
  private static Map<String, Outcome> terminalUpdates(List<TaskStatus> updates) {
    Map<String, Outcome> terminal = new HashMap<>();
    for (TaskStatus update : updates) {
      Outcome earlier = terminal.get(update.taskId());
      if (earlier != null) {
        fail("task " + update.taskId() + " was reported " + update + " after " + earlier);
      }
      if (update.state().isTerminal()) {
        terminal.put(update.taskId(), Outcome.of(update));
      }
    }
    return terminal;
  }

  /** The last update of each task container, as the daemon's update log hands it to recovery. */
  private static Map<ContainerId, TaskStatus> lastOfEach(List<TaskStatus> updates) {
    Map<ContainerId, TaskStatus> last = new LinkedHashMap<>();
    updates.forEach(update -> last.put(update.container(), update));
    return last;
  }
}
