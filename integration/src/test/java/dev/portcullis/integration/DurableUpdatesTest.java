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

    List<String> flags() {
      return List.of(
          "--work_dir=" + workDir,
          "--cgroups_root=" + scratch.name(),
          "--container_ports_watch_interval=200ms",
          "--enforce_container_ports");
    }

    DaemonProcess start() throws InterruptedException {
      DaemonProcess daemon = DaemonProcess.start(flags());
      opened.add(daemon);
      return daemon;
    }

    /** Launches {@code web}: task {@code a} listens on a stray port once told, {@code b} sleeps. */
    void launch(DaemonProcess daemon) throws InterruptedException {
      ObjectNode body = DaemonProcess.JSON.createObjectNode();
      body.put("executor_id", "web");
      body.put("resources", "cpus:0.1;ports:[" + allocated + "-" + allocated + "]");
      ArrayNode tasks = body.putArray("tasks");
      ObjectNode a = tasks.addObject();
      a.put("task_id", "a");
      ArrayNode command = a.putArray("command");
      Stream.of("python3", "-c", LISTEN_WHEN_TOLD, Integer.toString(stray)).forEach(command::add);
      ObjectNode b = tasks.addObject();
      b.put("task_id", "b");
      b.putArray("command").add("sleep").add("600");
      daemon.post("/v1/executors", body.toString()).expect(201);
      daemon.awaitExecutor(
          "web",
          "ran both tasks",
          e ->
              DaemonProcess.tasks(e)
                  .allMatch(t -> t.path("state").asText().equals("TASK_RUNNING")));
    }

    /** Starts the ending; the agent may die while it is under way. */
    void act(DaemonProcess daemon, Ending ending) throws IOException {
      if (ending == Ending.LIMITATION) {
        Path sandbox = Path.of(task(daemon.executor("web"), "a").path("sandbox").asText());
        Files.writeString(sandbox.resolve("go"), "");
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
