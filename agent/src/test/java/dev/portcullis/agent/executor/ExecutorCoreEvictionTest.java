package dev.portcullis.agent.executor;

import static dev.portcullis.agent.executor.CoreFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Terminated executors are kept for listing up to a number, then forgotten with their files. */
class ExecutorCoreEvictionTest {

  private static List<String> ids(List<ExecutorRecord> executors) {
    return executors.stream().map(ExecutorRecord::executorId).toList();
  }

  @Test
  void beyondTheNumberKeptTheOldestTerminatedExecutorsAreForgottenAndDiscarded() {
    try (CoreFixture fixture = CoreFixture.options().maxCompleted(1).start()) {
      fixture.launch("e1", "t1");
      fixture.launch("e2", "t2");
      fixture.launch("e3", "t3");

      ExecutorRecord first = fixture.core.kill("e1", "Killed on request");
      assertEquals(List.of("e1", "e2", "e3"), ids(fixture.core.executors()));
      assertEquals(List.of(), fixture.launcher.discarded());

      fixture.core.kill("e2", "Killed on request");

      assertEquals(List.of("e2", "e3"), ids(fixture.core.executors()));
      assertEquals(List.of(first), fixture.launcher.discarded());
      assertThrows(UnknownExecutorException.class, () -> fixture.core.executor("e1"));
      assertEquals(List.of("e2", "e3"), ids(fixture.journal.last().orElseThrow()));
    }
  }

  @Test
  void theExecutorsForgottenFirstAreThoseThatEndedFirstNotThoseLaunchedFirst() {
    try (CoreFixture fixture = CoreFixture.options().maxCompleted(1).start()) {
      fixture.launch("early", "t1");
      fixture.launch("late", "t2");
      ExecutorRecord endedFirst = fixture.core.kill("late", "Killed on request");

      ExecutorRecord endedLast = fixture.core.kill("early", "Killed on request");

      assertEquals(List.of("early"), ids(fixture.core.executors()));
      assertEquals(endedLast, fixture.core.executor("early"), "the one just ended can be read");
      assertEquals(List.of(endedFirst), fixture.launcher.discarded());
    }
  }

  @Test
  void theIdsOfAForgottenExecutorAreFreeAgain() {
    try (CoreFixture fixture = CoreFixture.options().maxCompleted(1).start()) {
      fixture.launch("e1", "t1");
      fixture.core.kill("e1", "Killed on request");
      fixture.launch("e2", "t2");
      fixture.core.kill("e2", "Killed on request");

      ExecutorRecord again = fixture.core.launch(spec("e1", "t1"));

      assertEquals(List.of("e2", "e1"), ids(fixture.core.executors()));
      assertEquals("t1", again.tasks().get(0).taskId());
    }
  }

  @Test
  void runningExecutorsAreNeverForgotten() {
    try (CoreFixture fixture = CoreFixture.options().maxCompleted(0).start()) {
      fixture.launch("e1", "t1");
      fixture.launch("e2", "t2");

      fixture.core.reap();
      fixture.core.scan();

      assertEquals(List.of("e1", "e2"), ids(fixture.core.executors()));
      assertEquals(List.of(), fixture.launcher.discarded());
    }
  }

  @Test
  void withNoneKeptAnExecutorIsForgottenAsItTerminatesYetItsEndIsAnswered() {
    try (CoreFixture fixture = CoreFixture.options().maxCompleted(0).start()) {
      fixture.launch("e1", "t1", "t2");

      ExecutorRecord killed = fixture.core.kill("e1", "Killed on request");

      assertTrue(killed.terminated());
      assertEquals(List.of(), fixture.core.executors());
      assertEquals(List.of(killed), fixture.launcher.discarded());
      assertEquals(List.of(), fixture.journal.last().orElseThrow());
      assertEquals(4, fixture.sink.size() - 2, "every task was still reported");
    }
  }

  @Test
  void anExecutorThatEndsByItselfIsEvictedToo() {
    try (CoreFixture fixture = CoreFixture.options().maxCompleted(0).start()) {
      fixture.launch("e1", "t1");
      fixture.launcher.process("t1").exit(0);

      fixture.core.reap();

      assertEquals(List.of(), fixture.core.executors());
      assertEquals(List.of("e1"), ids(fixture.launcher.discarded()));
    }
  }
}
