package dev.portcullis.integration;

import static dev.portcullis.integration.DaemonProcess.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import dev.portcullis.testkit.linux.TestProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The daemon's status updates survive its crash. Each ending — a kill for a limitation, a {@code
 * DELETE} — is run once to find the agent's durable writes while it is carried out (through
 * strace), then again with the agent SIGKILLed on entry to each of them in turn: between the
 * decision, the kill and each write. After a restart every task reports exactly the status the
 * decision called for, once, and the same one the stream carried before the crash, if it did.
 */
@RequiresLinuxRoot
class DurableUpdatesTest {

  /** Waits for a file named {@code go} in its sandbox, then listens on the port given. */
  private static final String LISTEN_WHEN_TOLD =
      "import os, socket, sys, time\n"
          + "while not os.path.exists('go'):\n"
          + "    time.sleep(0.05)\n"
          + "s = socket.socket()\n"
          + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
          + "s.bind(('0.0.0.0', int(sys.argv[1])))\n"
          + "s.listen()\n"
          + "time.sleep(600)\n";

  private static final String KILL_MESSAGE = "Killed by a kill request to the agent";

  @TempDir Path temp;

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  /** How the executor ends. */
  enum Ending {
    LIMITATION,
    KILL_REQUEST
  }

  /** One run: its own work directory and cgroups root, and the ports it uses. */
  private final class Run {
    final Path workDir;
    final ScratchCgroups scratch = new ScratchCgroups();
    final int allocated = FreePorts.any();
    final int stray = FreePorts.any();

    Run(String name) throws IOException {
      workDir = Files.createDirectories(temp.resolve(name));
      opened.add(scratch);
    }

    List<String> flags(String... extra) {
      List<String> flags =
          new ArrayList<>(
              List.of(
                  "--work_dir=" + workDir,
                  "--cgroups_root=" + scratch.name(),
                  "--container_ports_watch_interval=200ms"));
      flags.addAll(List.of(extra));
      return flags;
    }

    DaemonProcess start() throws InterruptedException {
      return start("--enforce_container_ports");
    }

    DaemonProcess start(String... extra) throws InterruptedException {
      DaemonProcess daemon = DaemonProcess.start(flags(extra));
      opened.add(daemon);
      return daemon;
    }

    Path log() {
      return workDir.resolve("status_updates.log");
    }

    /** Launches {@code web}: task {@code a} listens on a stray port once told, {@code b} sleeps. */
    void launch(DaemonProcess daemon) throws InterruptedException {
      launch(daemon, "web");
    }

    /** The id of task {@code a} or {@code b} of an executor: bare in {@code web}, else prefixed. */
    String taskId(String executorId, String task) {
      return executorId.equals("web") ? task : executorId + "-" + task;
    }

    void launch(DaemonProcess daemon, String executorId) throws InterruptedException {
      ObjectNode body = DaemonProcess.JSON.createObjectNode();
      body.put("executor_id", executorId);
      body.put("resources", "cpus:0.1;ports:[" + allocated + "-" + allocated + "]");
      ArrayNode tasks = body.putArray("tasks");
      ObjectNode a = tasks.addObject();
      a.put("task_id", taskId(executorId, "a"));
      ArrayNode command = a.putArray("command");
      Stream.of("python3", "-c", LISTEN_WHEN_TOLD, Integer.toString(stray)).forEach(command::add);
      ObjectNode b = tasks.addObject();
      b.put("task_id", taskId(executorId, "b"));
      b.putArray("command").add("sleep").add("600");
      daemon.post("/v1/executors", body.toString()).expect(201);
      daemon.awaitExecutor(
          executorId,
          "ran both tasks",
          e ->
              DaemonProcess.tasks(e)
                  .allMatch(t -> t.path("state").asText().equals("TASK_RUNNING")));
    }

    /** Tells task {@code a} of the executor to listen on its stray port. */
    void listen(DaemonProcess daemon, String executorId) throws IOException {
      Path sandbox =
          Path.of(
              task(daemon.executor(executorId), taskId(executorId, "a")).path("sandbox").asText());
      Files.writeString(sandbox.resolve("go"), "");
    }

    /** Starts the ending; the agent may die while it is under way. */
    void act(DaemonProcess daemon, Ending ending) throws IOException {
      if (ending == Ending.LIMITATION) {
        listen(daemon, "web");
      } else {
        try {
          daemon.delete("/v1/executors/web");
        } catch (UncheckedIOException e) {
          // The agent died while it answered.
        }
      }
    }

    /** What each task's terminal update must say. */
    Map<String, String> expected(Ending ending, DaemonProcess daemon) {
      Map<String, String> expected = new HashMap<>();
      if (ending == Ending.KILL_REQUEST) {
        expected.put("a", "TASK_KILLED||" + KILL_MESSAGE + "|");
        expected.put("b", "TASK_KILLED||" + KILL_MESSAGE + "|");
      } else {
        String container = task(daemon.executor("web"), "a").path("container_id").asText();
        String ports = "[" + stray + "-" + stray + "]";
        String limited =
            "TASK_FAILED|REASON_CONTAINER_LIMITATION|Container "
                + container
                + " is listening on unallocated port(s): "
                + ports
                + "|"
                + stray
                + "-"
                + stray;
        expected.put("a", limited);
        expected.put("b", limited);
      }
      return expected;
    }
  }

  @ParameterizedTest
  @EnumSource(Ending.class)
  void aCrashAtEveryDurableWriteOfAnEndingChangesNoStatusAndLosesNone(Ending ending)
      throws Exception {
    Strace.require();
    List<Strace.Point> points = writesOf(ending);
    assertTrue(points.size() >= 6, "too few writes to crash at: " + points);
    for (Strace.Point point : points) {
      crashAt(ending, point);
    }
  }

  /** Runs the ending once, traced, and lists the points of the core thread's writes for it. */
  private List<Strace.Point> writesOf(Ending ending) throws Exception {
    Run run = new Run("baseline-" + ending);
    DaemonProcess daemon = run.start();
    run.launch(daemon);
    Path trace = temp.resolve("baseline-" + ending + ".trace");
    Strace strace = Strace.attach(daemon.pid(), trace, Optional.empty());
    try {
      run.act(daemon, ending);
      daemon.awaitExecutor("web", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    } finally {
      strace.close();
    }
    daemon.crash();
    return Strace.crashPoints(trace);
  }

  private void crashAt(Ending ending, Strace.Point point) throws Exception {
    String at = ending + ", SIGKILL on entry to " + point;
    Run run = new Run(ending + "-" + point.call() + "-" + point.number());
    DaemonProcess first = run.start();
    run.launch(first);
    Map<String, String> expected = run.expected(ending, first);
    List<Long> pids =
        DaemonProcess.tasks(first.executor("web")).map(t -> t.path("pid").asLong()).toList();
    DaemonProcess.Events before = first.eventsAfter(0);
    before.next(4); // starting and running, for each task
    Strace strace =
        Strace.attach(
            first.pid(), temp.resolve(run.workDir.getFileName() + ".trace"), Optional.of(point));
    opened.add(strace);
    run.act(first, ending);
    assertTrue(first.awaitDeath(), at + ": the agent was not killed there");
    assertTrue(strace.awaitExit(), at + ": strace went on");
    List<JsonNode> carried = before.untilEnd();

    DaemonProcess second = run.start();
    if (ending == Ending.KILL_REQUEST
        && !second.executor("web").path("state").asText().equals("TERMINATED")) {
      // The kill was never decided: its client got no answer, and asks again.
      second.delete("/v1/executors/web").expect(200);
    }
    second.awaitExecutor("web", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    // Two tasks: starting, running and one terminal update each, and nothing more.
    DaemonProcess.Events replay = second.eventsAfter(0);
    List<JsonNode> all = replay.next(6);
    Thread.sleep(300);
    assertEquals(List.of(), replay.sofar(), at + ": more updates than six");

    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).path("sequence").asLong(), at + ": " + all);
    }
    Map<String, String> terminal = new HashMap<>();
    for (JsonNode update : all) {
      String taskId = update.path("task_id").path("value").asText();
      String state = update.path("state").asText();
      if (state.equals("TASK_STARTING") || state.equals("TASK_RUNNING")) {
        assertTrue(!terminal.containsKey(taskId), at + ": an update after the end: " + all);
        continue;
      }
      assertTrue(terminal.put(taskId, outcome(update)) == null, at + ": two endings: " + all);
    }
    assertEquals(expected, terminal, at);
    assertEquals(carried, all.subList(4, 4 + carried.size()), at + ": the stream said otherwise");
    for (long pid : pids) {
      assertTrue(TestProcesses.isGone(pid), at + ": task process " + pid + " lives");
    }
    assertEquals(List.of(), cgroupsUnder(run.scratch), at + ": cgroups left");
  }

  private static List<Path> cgroupsUnder(ScratchCgroups scratch) throws IOException {
    Path root = scratch.v2().orElseThrow();
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(root)) {
      return children.filter(Files::isDirectory).toList();
    }
  }

  @Test
  void aReaderThatMissedUpdatesGetsEachOnceInOrderWhenItAsksAfterItsLastOne() throws Exception {
    Run run = new Run("reconnect");
    DaemonProcess lenient = run.start("--enforce_container_ports=false");
    DaemonProcess.Events reader = lenient.events();
    run.launch(lenient, "bad");
    run.launch(lenient, "good");
    List<JsonNode> seen = reader.next(8);
    long last = seen.get(7).path("sequence").asLong();
    assertEquals(8, last, seen::toString);
    // The reader goes away. Meanwhile one executor is killed, and one violates unenforced.
    run.listen(lenient, "bad");
    lenient.awaitExecutor(
        "bad", "was seen violating", e -> e.path("listening_ports").asText().contains("-"));
    lenient.delete("/v1/executors/good").expect(200);
    lenient.crash();

    // Its ports are enforced after the restart: the recovery-time scan kills it (RecoverBadTask)
    // before the API serves, so that no live reader could see those updates.
    DaemonProcess strict = run.start();
    DaemonProcess.Events back = strict.eventsAfter(last);
    List<JsonNode> missed = back.next(4);
    assertEquals(List.of(9L, 10L, 11L, 12L), sequences(missed), missed::toString);
    assertEquals(
        List.of(
            "good:good-a:TASK_KILLED",
            "good:good-b:TASK_KILLED",
            "bad:bad-a:TASK_FAILED",
            "bad:bad-b:TASK_FAILED"),
        missed.stream().map(DurableUpdatesTest::who).toList());
    assertEquals(
        "REASON_CONTAINER_LIMITATION", missed.get(2).path("reason").asText(), missed::toString);
    // And the live ones follow on the same stream, with no gap and no duplicate.
    run.launch(strict, "late");
    List<JsonNode> live = back.next(4);
    assertEquals(List.of(13L, 14L, 15L, 16L), sequences(live), live::toString);
    Thread.sleep(300);
    assertEquals(List.of(), back.sofar());

    // Acknowledged updates are no longer kept; asking for them says so.
    assertEquals(
        12,
        strict
            .post("/v1/acknowledgements", "{\"sequence\":12}")
            .expect(200)
            .body()
            .path("acknowledged")
            .asLong());
    DaemonProcess.Reply gone = strict.get("/v1/events?after=11");
    assertEquals(410, gone.status(), gone::toString);
    assertTrue(gone.body().path("error").asText().contains("ask with after=12"), gone::toString);
    strict.get("/v1/events?after=17").assertRefused(400, "after");
    strict.get("/v1/events?after=-1").assertRefused(400, "after");
    strict.get("/v1/events?since=3").assertRefused(400, "since");
    strict.post("/v1/acknowledgements", "{\"sequence\":17}").assertRefused(400, "sequence");
    strict.post("/v1/acknowledgements", "{\"up_to\":3}").assertRefused(400, "up_to");
    String metrics = strict.metrics();
    assertTrue(metrics.contains("\nportcullis_status_update_sequence 16\n"), metrics);
    assertTrue(metrics.contains("\nportcullis_status_updates_acknowledged 12\n"), metrics);
    assertTrue(metrics.contains("\nportcullis_status_updates_retained 4\n"), metrics);
  }

  @Test
  void theClientFollowsAfterASequenceNumberAndAcknowledges() throws Exception {
    Run run = new Run("client");
    DaemonProcess daemon = run.start();
    run.launch(daemon, "web");
    String agent = "--agent=" + daemon.url();

    AgentLauncher.Result ack = AgentLauncher.run("ack", agent, "2");
    assertEquals(0, ack.exit(), ack::toString);
    assertEquals("{\"acknowledged\":2}\n", ack.out());
    AgentLauncher.Result beyond = AgentLauncher.run("ack", agent, "99");
    assertEquals(1, beyond.exit(), beyond::toString);
    assertTrue(beyond.err().contains("(field sequence)"), beyond::toString);

    try (AgentLauncher.Running events =
        AgentLauncher.start("events", agent, "--after=2", "--ack")) {
      List<String> lines = events.lines(2);
      assertEquals(List.of(3L, 4L), lines.stream().map(DurableUpdatesTest::sequence).toList());
      long deadline = System.nanoTime() + DaemonProcess.BOUND.toNanos();
      while (!daemon.metrics().contains("\nportcullis_status_updates_acknowledged 4\n")) {
        assertTrue(System.nanoTime() < deadline, "--ack never acknowledged the lines it printed");
        Thread.sleep(100);
      }
    }
    AgentLauncher.Result gone = AgentLauncher.run("events", agent, "--after=1");
    assertEquals(1, gone.exit(), gone::toString);
    assertTrue(gone.err().contains("are no longer kept"), gone::toString);
  }

  @Test
  void aTornLastRecordIsCutOffAndCorruptionElsewhereStopsStartUpUntilCleanup() throws Exception {
    Run run = new Run("corrupt");
    DaemonProcess first = run.start();
    run.launch(first, "web");
    first.crash();
    List<String> records = Files.readAllLines(run.log());
    assertEquals(4, records.size(), records::toString);

    // A crash mid-append: the last record is cut short. The agent starts, without it.
    byte[] whole = Files.readAllBytes(run.log());
    Files.write(run.log(), java.util.Arrays.copyOf(whole, whole.length - 7));
    DaemonProcess second = run.start();
    assertEquals(
        List.of(1L, 2L, 3L), sequences(second.eventsAfter(0).next(3)), "the earlier ones stay");
    second.crash();

    // A bit flipped in the second record: corruption, named by file and offset.
    byte[] cut = Files.readAllBytes(run.log());
    int offset = records.get(0).length() + 1;
    cut[offset + 20] ^= 0x01;
    Files.write(run.log(), cut);
    AgentLauncher.Result refused =
        AgentLauncher.run(
            Stream.concat(
                    Stream.of("agent", "--port=0"), run.flags("--enforce_container_ports").stream())
                .toArray(String[]::new));
    assertEquals(2, refused.exit(), refused::toString);
    assertTrue(
        refused
            .err()
            .contains(
                "the status update log "
                    + run.log()
                    + " is corrupt at byte offset "
                    + offset
                    + ":"),
        refused::toString);
    assertTrue(refused.err().contains("--recover=cleanup"), refused::toString);
    assertEquals(
        List.of(), refused.errorLines().stream().filter(l -> l.contains("\tat ")).toList());

    // Cleanup kills and forgets it all, and numbers go on from the highest the old log holds.
    DaemonProcess fresh = run.start("--enforce_container_ports", "--recover=cleanup");
    run.launch(fresh, "again");
    List<JsonNode> updates = fresh.eventsAfter(3).next(4);
    assertEquals(List.of(4L, 5L, 6L, 7L), sequences(updates), updates::toString);
    assertEquals(410, fresh.get("/v1/events?after=0").status(), "the old log's are not kept");
    try (Stream<Path> files = Files.list(run.workDir)) {
      assertTrue(
          files.anyMatch(
              f -> f.getFileName().toString().startsWith("status_updates.log.discarded-")),
          "the old log was not kept aside");
    }
  }

  private static List<Long> sequences(List<JsonNode> updates) {
    return updates.stream().map(update -> update.path("sequence").asLong()).toList();
  }

  private static long sequence(String line) {
    try {
      return DaemonProcess.JSON.readTree(line).path("sequence").asLong();
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  private static String who(JsonNode update) {
    return update.path("executor_id").path("value").asText()
        + ":"
        + update.path("task_id").path("value").asText()
        + ":"
        + update.path("state").asText();
  }

  private static String outcome(JsonNode update) {
    JsonNode range =
        update.path("limitation").path("resources").path(0).path("ranges").path("range");
    String ports =
        range.isArray() && range.size() == 1
            ? range.get(0).path("begin").asText() + "-" + range.get(0).path("end").asText()
            : "";
    return update.path("state").asText()
        + "|"
        + update.path("reason").asText("")
        + "|"
        + update.path("message").asText("")
        + "|"
        + ports;
  }
}
