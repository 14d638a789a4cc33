package dev.portcullis.agent.executor;

import static dev.portcullis.agent.executor.CoreFixture.container;
import static dev.portcullis.agent.executor.CoreFixture.kill;
import static dev.portcullis.agent.executor.CoreFixture.launched;
import static dev.portcullis.agent.executor.CoreFixture.limited;
import static dev.portcullis.agent.executor.CoreFixture.update;
import static dev.portcullis.agent.executor.CoreFixture.violation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import dev.portcullis.testkit.FakePortGuard;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tasks that listen on ports their executor was not allocated, found by a scan or a guard. */
class ExecutorCoreLimitationTest {

  @Test
  void aScanThatFindsAnUnallocatedPortFailsEveryLiveTaskWithTheLimitation() {
    try (CoreFixture fixture = CoreFixture.started()) {
      ExecutorRecord web = fixture.launch("web", "a", "b");
      long a = fixture.pid("a");
      long b = fixture.pid("b");
      fixture.host.listen(a, 9090);
      fixture.host.listen(b, 31000);
      int mark = fixture.sink.size();

      fixture.core.scan();

      PortRanges unallocated = PortRanges.of(9090);
      String message = violation(container(web, "a"), unallocated);
      assertEquals(
          List.of(limited(web, "a", message, unallocated), limited(web, "b", message, unallocated)),
          fixture.sink.since(mark));
      // One kill, the isolator's: the core finds the tree empty and does not kill again.
      assertEquals(List.of(kill(web.container(), a, b)), fixture.tracker.kills());
      assertEquals(List.of(KillReason.CONTAINER_LIMITATION), fixture.observer.kills());
      assertEquals(Set.of(), fixture.containers());
      assertEquals(0, fixture.core.census().trackedContainers());
      ExecutorRecord ended = fixture.core.executor("web");
      assertTrue(ended.terminated());
      assertEquals(Optional.empty(), ended.listening(), "a terminated executor listens on nothing");
      assertEquals(List.of(ended), fixture.journal.last().orElseThrow());
    }
  }

  @Test
  void aLimitationIsSettledOnce() {
    try (CoreFixture fixture = CoreFixture.started()) {
      fixture.launch("web", "a");
      fixture.host.listen(fixture.pid("a"), 9090);
      fixture.core.scan();
      int mark = fixture.sink.size();

      fixture.core.reap();
      fixture.core.scan();
      fixture.core.reap();

      assertEquals(List.of(), fixture.sink.since(mark));
      assertEquals(1, fixture.tracker.kills().size());
      assertEquals(List.of(KillReason.CONTAINER_LIMITATION), fixture.observer.kills());
    }
  }

  @Test
  void theLimitationNamesExactlyTheUnallocatedPorts() {
    try (CoreFixture fixture = CoreFixture.started()) {
      ExecutorRecord web = fixture.launch("web", "a", "b");
      long a = fixture.pid("a");
      fixture.host.listen(a, 9090);
      fixture.host.listen(a, 9092);
      fixture.host.listen(a, 31001);
      int mark = fixture.sink.size();

      fixture.core.scan();

      PortRanges unallocated = PortRanges.of(9090, 9092);
      String message = violation(container(web, "a"), unallocated);
      assertEquals("[9090-9090, 9092-9092]", unallocated.toString());
      assertEquals(
          List.of(limited(web, "a", message, unallocated), limited(web, "b", message, unallocated)),
          fixture.sink.since(mark));
    }
  }

  @Test
  void aTaskThatFinishedIsNotReportedAgainWhenItsGroupIsLimited() {
    try (CoreFixture fixture = CoreFixture.started()) {
      ExecutorRecord web = fixture.launch("web", "a", "b");
      fixture.launcher.process("a").exit(0);
      fixture.core.reap();
      long b = fixture.pid("b");
      fixture.host.listen(b, 8080);
      int mark = fixture.sink.size();

      fixture.core.scan();

      PortRanges unallocated = PortRanges.of(8080);
      assertEquals(
          List.of(limited(web, "b", violation(container(web, "b"), unallocated), unallocated)),
          fixture.sink.since(mark));
      assertEquals(
          List.of(kill(container(web, "a")), kill(web.container(), b)), fixture.tracker.kills());
    }
  }

  @Test
  void onlyTheExecutorThatListensIsLimited() {
    try (CoreFixture fixture = CoreFixture.started()) {
      ExecutorRecord web = fixture.launch("web", "a");
      ExecutorRecord api = fixture.launch("api", "x");
      fixture.host.listen(fixture.pid("x"), 9090);
      int mark = fixture.sink.size();

      fixture.core.scan();

      PortRanges unallocated = PortRanges.of(9090);
      assertEquals(
          List.of(limited(api, "x", violation(container(api, "x"), unallocated), unallocated)),
          fixture.sink.since(mark));
      assertFalse(fixture.core.executor("web").terminated());
      assertEquals(Set.of(web.container(), container(web, "a")), fixture.containers());
    }
  }

  @Test
  void withEnforcementOffAScanKillsNothingAndRecordsWhatIsListenedOn() {
    try (CoreFixture fixture = CoreFixture.options().enforcing(false).start()) {
      ExecutorRecord web = fixture.launch("web", "a", "b");
      fixture.host.listen(fixture.pid("a"), 9090);
      fixture.host.listen(fixture.pid("b"), 31000);

      fixture.core.scan();
      fixture.core.scan();
      fixture.core.reap();

      assertEquals(launched(web), fixture.sink.updates());
      assertEquals(List.of(), fixture.tracker.kills());
      assertEquals(List.of(), fixture.observer.kills());
      ExecutorRecord running = fixture.core.executor("web");
      assertFalse(running.terminated());
      assertEquals(Optional.of(PortRanges.of(9090, 31000)), running.listening());
      assertEquals(Optional.of(PortRanges.of(9090)), CoreFixture.task(running, "a").listening());
      assertEquals(Optional.of(PortRanges.of(31000)), CoreFixture.task(running, "b").listening());
    }
  }

  @Test
  void allocatedPortsAreListenedOnFreely() {
    try (CoreFixture fixture = CoreFixture.started()) {
      ExecutorRecord web = fixture.launch("web", "a");
      fixture.host.listen(fixture.pid("a"), 31000);
      fixture.host.listen(fixture.pid("a"), 31001);

      fixture.core.scan();

      assertEquals(launched(web), fixture.sink.updates());
      assertEquals(List.of(), fixture.tracker.kills());
      assertEquals(
          Optional.of(PortRanges.range(31000, 31001)), fixture.core.executor("web").listening());
    }
  }

  @Test
  void aListenerThePortGuardStoppedIsReportedAsALimitationNotAnExit() {
    try (CoreFixture fixture = CoreFixture.options().guarded().start()) {
      FakePortGuard guard = fixture.guard.orElseThrow();
      ExecutorRecord web = fixture.launch("web", "a", "b");
      ContainerId root = web.container();
      assertEquals(Set.of(root), guard.guards().keySet(), "only the executor's root is guarded");
      long b = fixture.pid("b");
      int mark = fixture.sink.size();

      // a listens on a port it never bound, one its guard does not allow: the guard stops it.
      assertFalse(guard.listenUnbound(container(web, "a"), fixture.pid("a"), 40000));
      assertFalse(fixture.launcher.process("a").alive());
      fixture.core.reap();

      PortRanges stopped = PortRanges.of(40000);
      String message = violation(root, stopped) + " (its port guard stopped the listener)";
      assertEquals(
          List.of(limited(web, "a", message, stopped), limited(web, "b", message, stopped)),
          fixture.sink.since(mark));
      // The isolator killed the root once, on reading its guard; the core did not kill again.
      assertEquals(List.of(kill(root, b)), fixture.tracker.kills());
      assertEquals(List.of(KillReason.CONTAINER_LIMITATION), fixture.observer.kills());
      assertEquals(Set.of(), fixture.containers());
      assertEquals(Map.of(), guard.guards(), "the guard went with the executor");
      assertEquals(
          List.of(Map.of(root, new GuardRefusals(0, 1, PortRanges.empty(), stopped))),
          fixture.observer.guardReads());
      assertEquals(
          Optional.of(new GuardRefusals(0, 1, PortRanges.empty(), stopped)),
          fixture.core.executor("web").guardRefusals());
    }
  }

  @Test
  void withEnforcementOffAListenerThePortGuardStoppedIsAnExit() {
    try (CoreFixture fixture = CoreFixture.options().guarded().enforcing(false).start()) {
      FakePortGuard guard = fixture.guard.orElseThrow();
      ExecutorRecord web = fixture.launch("web", "a");
      int mark = fixture.sink.size();

      assertFalse(guard.listenUnbound(container(web, "a"), fixture.pid("a"), 40000));
      fixture.core.reap();

      assertEquals(
          List.of(
              update(
                  web,
                  "a",
                  TaskState.TASK_FAILED,
                  "Command exited with status 137 (as for a process killed by signal 9)")),
          fixture.sink.since(mark));
      assertEquals(List.of(kill(container(web, "a"))), fixture.tracker.kills());
      assertEquals(List.of(), fixture.observer.kills());
    }
  }

  @Test
  void aGuardedExecutorIsStillLimitedByScansForWhatNoBindCheckSaw() {
    try (CoreFixture fixture = CoreFixture.options().guarded().start()) {
      ExecutorRecord web = fixture.launch("web", "a");
      long a = fixture.pid("a");
      // A socket the guard never saw bound, as one passed in from outside would be.
      fixture.host.listen(a, 9090);
      int mark = fixture.sink.size();

      fixture.core.scan();

      PortRanges unallocated = PortRanges.of(9090);
      assertEquals(
          List.of(limited(web, "a", violation(container(web, "a"), unallocated), unallocated)),
          fixture.sink.since(mark));
      assertEquals(List.of(kill(web.container(), a)), fixture.tracker.kills());
    }
  }
}
