package dev.portcullis.agent.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What the core tells of itself: health and census. */
class ExecutorCoreHealthTest {

  private static Map<TaskState, Integer> tasks(int running, int finished, int failed, int killed) {
    Map<TaskState, Integer> states = new TreeMap<>();
    states.put(TaskState.TASK_STARTING, 0);
    states.put(TaskState.TASK_RUNNING, running);
    states.put(TaskState.TASK_FINISHED, finished);
    states.put(TaskState.TASK_FAILED, failed);
    states.put(TaskState.TASK_KILLED, killed);
    return states;
  }

  private static Map<String, Integer> executors(int running, int terminated) {
    return Map.of("running", running, "terminated", terminated);
  }

  @Test
  void aFreshCoreHoldsNothingAndHasNotScanned() {
    try (CoreFixture fixture = CoreFixture.started()) {
      assertEquals(new Health(0, true, 0, Optional.empty()), fixture.core.health());
      assertEquals(new Census(0, executors(0, 0), tasks(0, 0, 0, 0)), fixture.core.census());
      assertTrue(fixture.core.isolatesPorts());
    }
  }

  @Test
  void healthAndCensusFollowWhatIsHeld() {
    try (CoreFixture fixture = CoreFixture.started()) {
      fixture.launch("web", "a", "b");
      fixture.launch("api", "x");
      fixture.launch("job", "j");
      fixture.core.scan();

      assertEquals(new Health(3, true, 1, Optional.of(CoreFixture.NOW)), fixture.core.health());
      assertEquals(new Census(7, executors(3, 0), tasks(4, 0, 0, 0)), fixture.core.census());

      fixture.core.kill("api", "Killed on request");
      fixture.launcher.process("j").exit(0);
      fixture.launcher.process("a").exit(1);
      fixture.core.reap();
      fixture.core.scan();

      assertEquals(new Health(0, true, 2, Optional.of(CoreFixture.NOW)), fixture.core.health());
      assertEquals(new Census(0, executors(0, 3), tasks(0, 1, 1, 2)), fixture.core.census());
    }
  }

  @Test
  void aFailedScanIsCountedAsFailedNotAsAScan() {
    try (CoreFixture fixture = CoreFixture.started()) {
      fixture.launch("web", "a");
      fixture.sockets.failNextSnapshot(new IOException("netlink: no buffer space"));

      fixture.core.scan();

      assertEquals(1, fixture.observer.scanFailures());
      assertEquals(List.of(), fixture.observer.scans());
      assertEquals(new Health(1, true, 0, Optional.empty()), fixture.core.health());
      assertFalse(fixture.core.executor("web").terminated());
    }
  }

  @Test
  void withoutIsolationNothingIsScannedOrTracked() {
    try (CoreFixture fixture = CoreFixture.options().withoutIsolation().start()) {
      fixture.launch("web", "a");
      fixture.host.listen(fixture.pid("a"), 9090);

      fixture.core.scan();

      assertFalse(fixture.core.isolatesPorts());
      assertEquals(new Health(1, false, 0, Optional.empty()), fixture.core.health());
      assertEquals(new Census(0, executors(1, 0), tasks(1, 0, 0, 0)), fixture.core.census());
      assertEquals(List.of(), fixture.tracker.kills());
      assertEquals(2, fixture.sink.size());
    }
  }
}
