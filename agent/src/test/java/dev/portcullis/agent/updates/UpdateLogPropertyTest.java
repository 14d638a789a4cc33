package dev.portcullis.agent.updates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.api.ContainerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever is appended, acknowledged and reflected, with writes failing now and then, compactions
 * and restarts in between, the log agrees with a simple model of it: the updates retained, the
 * floor, the acknowledgement and the numbering, and after a restart what was reported.
 */
class UpdateLogPropertyTest {

  sealed interface Step {}

  /** Appends the {@code n}th update of the run. */
  record Append(int n) implements Step {}

  /** Acknowledges up to {@code delta} from the last durable update: some are refused. */
  record Acknowledge(int delta) implements Step {}

  /** The checkpoint reflects up to {@code back} before the last update. */
  record Reflect(int back) implements Step {}

  /** The next write fails. */
  record FailNextWrite() implements Step {}

  record Retry() implements Step {}

  /** The agent stops, and a new one opens the log. */
  record Reopen() implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> append = Arbitraries.integers().between(0, 19).map(Append::new);
    Arbitrary<Step> acknowledge = Arbitraries.integers().between(-4, 1).map(Acknowledge::new);
    Arbitrary<Step> reflect = Arbitraries.integers().between(-1, 4).map(Reflect::new);
    return Arbitraries.frequencyOf(
            Tuple.of(8, append),
            Tuple.of(3, acknowledge),
            Tuple.of(2, reflect),
            Tuple.of(1, Arbitraries.<Step>just(new FailNextWrite())),
            Tuple.of(1, Arbitraries.<Step>just(new Retry())),
            Tuple.of(1, Arbitraries.<Step>just(new Reopen())))
        .list()
        .ofMaxSize(50);
  }

  /** What the log should say. */
  private static final class Model {
    final List<SequencedUpdate> durable = new ArrayList<>();
    final List<SequencedUpdate> pending = new ArrayList<>();
    long floor;
    long acknowledged;
    long reflected;
    long dropped;
    // Updates up to here may have been compacted away; above it, the file still has them.
    long mayBeCompacted;

    long lastDurable() {
      return durable.size();
    }

    long lastSequence() {
      return lastDurable() + pending.size();
    }

    List<SequencedUpdate> retained() {
      return durable.subList((int) floor, durable.size());
    }

    List<SequencedUpdate> written(int maxRetained) {
      List<SequencedUpdate> written = List.copyOf(pending);
      durable.addAll(pending);
      pending.clear();
      long raised = Math.max(floor, lastDurable() - maxRetained);
      dropped += raised - floor;
      floor = raised;
      return written;
    }

    void stepped() {
      mayBeCompacted = Math.max(mayBeCompacted, Math.min(floor, reflected));
    }
  }

  @Property(tries = 500)
  void theLogAgreesWithAModel(
      @ForAll("steps") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 6) int maxRetained,
      @ForAll @IntRange(min = 1, max = 6) int compactAfter)
      throws Exception {
    Path workDir = Files.createTempDirectory("update-log-property");
    FaultyChannel.Faults faults = new FaultyChannel.Faults();
    Model model = new Model();
    UpdateLog log = UpdateLog.open(workDir, maxRetained, compactAfter, faults.opener());
    try {
      for (Step step : steps) {
        boolean fails = faults.writes > 0;
        if (step instanceof Append a) {
          TaskStatus update = Statuses.update(a.n());
          model.pending.add(new SequencedUpdate(model.lastSequence() + 1, update));
          List<SequencedUpdate> expected = fails ? List.of() : model.written(maxRetained);
          assertEquals(expected, log.append(update), step.toString());
        } else if (step instanceof Retry) {
          List<SequencedUpdate> expected =
              fails && !model.pending.isEmpty() ? List.of() : model.written(maxRetained);
          assertEquals(expected, log.retryPending());
        } else if (step instanceof Acknowledge a) {
          acknowledge(log, model, model.lastDurable() + a.delta(), fails);
        } else if (step instanceof Reflect r) {
          long sequence = model.lastSequence() - r.back();
          model.reflected = Math.max(model.reflected, sequence);
          log.reflectedUpTo(sequence);
        } else if (step instanceof FailNextWrite) {
          faults.writes = 1;
        } else if (step instanceof Reopen) {
          log.close();
          checkWhole(workDir);
          model.pending.clear();
          model.reflected = 0;
          model.dropped = 0;
          log = UpdateLog.open(workDir, maxRetained, compactAfter, faults.opener());
          checkReported(log, model);
        }
        model.stepped();
        check(log, model);
      }
      log.close();
      checkWhole(workDir);
    } finally {
      log.close();
      delete(workDir);
    }
  }

  private static void acknowledge(UpdateLog log, Model model, long upTo, boolean fails)
      throws IOException {
    if (upTo < 0 || upTo > model.lastSequence()) {
      assertThrows(IllegalArgumentException.class, () -> log.acknowledge(upTo));
    } else if (upTo <= model.acknowledged) {
      assertEquals(model.acknowledged, log.acknowledge(upTo));
    } else if (upTo > model.lastDurable() || fails) {
      assertThrows(IOException.class, () -> log.acknowledge(upTo));
    } else {
      model.acknowledged = upTo;
      model.floor = Math.max(model.floor, upTo);
      assertEquals(upTo, log.acknowledge(upTo));
    }
  }

  private static void check(UpdateLog log, Model model) {
    assertEquals(model.lastSequence(), log.lastSequence(), "lastSequence");
    assertEquals(model.lastDurable(), log.lastDurable(), "lastDurable");
    assertEquals(model.floor, log.floor(), "floor");
    assertEquals(model.acknowledged, log.acknowledged(), "acknowledged");
    assertEquals(model.retained().size(), log.retained(), "retained");
    assertEquals(model.dropped, log.dropped(), "dropped");
    assertEquals(model.retained(), log.after(0));
    assertEquals(model.retained(), log.after(model.floor - 1));
    if (!model.retained().isEmpty()) {
      List<SequencedUpdate> retained = model.retained();
      assertEquals(retained.subList(1, retained.size()), log.after(retained.get(0).sequence()));
    }
    assertEquals(List.of(), log.after(model.lastDurable()));
  }

  /** After a restart: what was reported, at least for every update not compacted away. */
  private static void checkReported(UpdateLog log, Model model) {
    Map<ContainerId, SequencedUpdate> last = new HashMap<>();
    for (SequencedUpdate update : model.durable) {
      last.put(update.update().container(), update);
    }
    Map<ContainerId, TaskStatus> reported = log.lastReportedAtOpen();
    assertTrue(last.keySet().containsAll(reported.keySet()), reported.toString());
    for (Map.Entry<ContainerId, SequencedUpdate> entry : last.entrySet()) {
      Optional<TaskStatus> seen = Optional.ofNullable(reported.get(entry.getKey()));
      if (entry.getValue().sequence() > model.mayBeCompacted) {
        assertEquals(Optional.of(entry.getValue().update()), seen, entry.getKey().toString());
      } else {
        seen.ifPresent(s -> assertEquals(entry.getValue().update(), s));
      }
    }
  }

  /** A closed log's file holds only whole records, and no temporary file is left. */
  private static void checkWhole(Path workDir) throws Exception {
    Path file = workDir.resolve(UpdateLog.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(Optional.empty(), LogReader.strictly(file, bytes).torn());
    try (Stream<Path> list = Files.list(workDir)) {
      assertEquals(
          List.of(UpdateLog.FILE_NAME),
          list.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }
}
