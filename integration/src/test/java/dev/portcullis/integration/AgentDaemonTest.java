package dev.portcullis.integration;

import static dev.portcullis.integration.DaemonProcess.task;
import static dev.portcullis.integration.DaemonProcess.tasks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.Listener;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code bin/portcullis agent} end to end: a real daemon, real task groups in real cgroups under a
 * scratch {@code --cgroups_root}, real listeners, and restarts by SIGKILL with tasks still running.
 * The scratch root is destroyed afterwards with every process in it, whatever happened.
 */
@RequiresLinuxRoot
class AgentDaemonTest {

  /** Listens on the TCP port given, then sleeps: a task that stays up. */
  private static final String LISTEN =
      "import socket, sys, time\n"
          + "s = socket.socket()\n"
          + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
          + "s.bind(('0.0.0.0', int(sys.argv[1])))\n"
          + "s.listen()\n"
          + "time.sleep(600)\n";

  private static final String SCAN_INTERVAL = "--container_ports_watch_interval=200ms";

  @TempDir Path workDir;
  private ScratchCgroups scratch;
  private final List<DaemonProcess> daemons = new ArrayList<>();

  @BeforeEach
  void scratchRoot() {
    scratch = new ScratchCgroups();
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    try {
      for (DaemonProcess daemon : daemons) {
        daemon.close();
      }
    } finally {
      scratch.close();
    }
  }

  // --- The API ---

  @Test
  void launchListUpdateKillAndStreamATaskGroup() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports");
    DaemonProcess.Events events = agent.events();
    int port = FreePorts.any();
    int more = FreePorts.any();

    JsonNode launched =
        agent
            .post(
                "/v1/executors",
                launch("web", ports(port), spec("server", listen(port)), spec("idle", sleep())))
            .expect(201)
            .body();
    assertEquals("RUNNING", launched.path("state").asText());
    assertEquals("[" + port + "-" + port + "]", launched.path("allocated_ports").asText());
    tasks(launched)
        .forEach(t -> assertEquals("TASK_RUNNING", t.path("state").asText(), t::toString));
    assertTrue(cgroupExists(launched.path("container_id").asText()), "no executor cgroup");

    List<JsonNode> started = events.next(4);
    assertEquals(
        List.of(
            "server:TASK_STARTING",
            "idle:TASK_STARTING",
            "server:TASK_RUNNING",
            "idle:TASK_RUNNING"),
        started.stream().map(AgentDaemonTest::taskAndState).toList());
    started.forEach(u -> assertEquals("web", u.path("executor_id").path("value").asText()));

    JsonNode seen =
        agent.awaitExecutor(
            "web",
            "showed its listener",
            e ->
                task(e, "server")
                    .path("listening_ports")
                    .asText()
                    .equals("[" + port + "-" + port + "]"));
    assertEquals("[]", task(seen, "idle").path("listening_ports").asText());
    assertTrue(task(seen, "server").path("pid").asLong() > 0);

    JsonNode listed = agent.get("/v1/executors").expect(200).body();
    assertEquals(1, listed.path("executors").size());

    JsonNode updated =
        agent
            .put("/v1/executors/web/resources", "{\"resources\":\"" + ports(port, more) + "\"}")
            .expect(200)
            .body();
    assertEquals(ranges(port, more), updated.path("allocated_ports").asText());

    JsonNode killed = agent.delete("/v1/executors/web").expect(200).body();
    assertEquals("TERMINATED", killed.path("state").asText());
    tasks(killed).forEach(t -> assertEquals("TASK_KILLED", t.path("state").asText(), t::toString));
    List<JsonNode> ended = events.next(2);
    ended.forEach(u -> assertEquals("TASK_KILLED", u.path("state").asText()));
    assertFalse(
        cgroupExists(launched.path("container_id").asText()), "the executor's cgroup is left");
    assertEquals(200, agent.delete("/v1/executors/web").status(), "a second kill is harmless");
  }

  @Test
  void theClientCommandsDriveTheDaemon() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports");
    String to = "--agent=" + agent.url();
    int port = FreePorts.any();
    AgentLauncher.Running events = AgentLauncher.start("events", to, "--executor_id=cli");
    try {
      // The stream starts from the request on: wait for the client to be reading.
      long deadline = System.nanoTime() + DaemonProcess.BOUND.toNanos();
      while (!agent.metrics().contains("portcullis_event_readers 1")) {
        assertTrue(System.nanoTime() < deadline, "the events client never connected");
        Thread.sleep(100);
      }
      AgentLauncher.Result launch =
          AgentLauncher.run(
              "launch",
              to,
              "--executor_id=cli",
              "--task_id=cli-task",
              "--task_resources=" + ports(port),
              "--",
              "sleep",
              "300");
      assertEquals(0, launch.exit(), launch::toString);
      assertEquals("cli", DaemonProcess.JSON.readTree(launch.out()).path("executor_id").asText());

      Path group = workDir.resolve("group.json");
      Files.writeString(
          group,
          "{\"tasks\": [{\"task_id\": \"g1\", \"command\": \"sleep 300\"},"
              + " {\"task_id\": \"g2\", \"command\": [\"sleep\", \"300\"]}]}");
      AgentLauncher.Result fromFile =
          AgentLauncher.run(
              "launch",
              to,
              "--executor_id=group",
              "--task_group=" + group,
              "--task_resources=cpus:1");
      assertEquals(0, fromFile.exit(), fromFile::toString);
      JsonNode grouped = agent.executor("group");
      assertEquals(
          List.of("g1", "g2"), tasks(grouped).map(t -> t.path("task_id").asText()).toList());
      assertEquals("cpus:1", grouped.path("resources").asText());

      AgentLauncher.Result ps = AgentLauncher.run("ps", to);
      assertEquals(0, ps.exit(), ps::toString);
      assertTrue(
          ps.out()
              .lines()
              .anyMatch(
                  l ->
                      l.matches(
                          "cli\\s+cli-task\\s+TASK_RUNNING\\s+\\d+\\s+\\["
                              + port
                              + "-"
                              + port
                              + "\\].*")),
          ps::toString);

      AgentLauncher.Result update =
          AgentLauncher.run("update", to, "--executor_id=cli", "--resources=cpus:1");
      assertEquals(0, update.exit(), update::toString);
      assertEquals(
          "[]", DaemonProcess.JSON.readTree(update.out()).path("allocated_ports").asText());

      AgentLauncher.Result kill = AgentLauncher.run("kill", to, "--executor_id=cli");
      assertEquals(0, kill.exit(), kill::toString);
      List<String> states = events.lines(3).stream().map(AgentDaemonTest::stateOf).toList();
      assertEquals(List.of("TASK_STARTING", "TASK_RUNNING", "TASK_KILLED"), states);

      AgentLauncher.Result unknown = AgentLauncher.run("kill", to, "--executor_id=nobody");
      assertEquals(1, unknown.exit(), unknown::toString);
      assertTrue(unknown.err().contains("no executor 'nobody'"), unknown::toString);
    } finally {
      events.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Stack.class)
  void withKillOffenderOnlyTheViolatingTaskFailsAndItsSiblingFinishesLater(Stack stack)
      throws Exception {
    DaemonProcess agent =
        agent(stack.with("--enforce_container_ports", "--container_ports_kill=offender"));
    int allocated = FreePorts.any();
    int stray = FreePorts.any();
    Path done = workDir.resolve("waiter-may-finish");
    agent
        .post(
            "/v1/executors",
            launch(
                "group",
                ports(allocated),
                spec("stray", listen(stray)),
                spec(
                    "waiter",
                    List.of(
                        "sh", "-c", "while [ ! -e '" + done + "' ]; do sleep 0.1; done; exit 0"))))
        .expect(201);

    JsonNode limited =
        agent.awaitExecutor(
            "group",
            "stray failed",
            e -> task(e, "stray").path("status").path("state").asText().equals("TASK_FAILED"));
    assertLimitedOn(task(limited, "stray").path("status"), stray);
    // Several scans later the sibling still runs.
    Thread.sleep(1_000);
    JsonNode running = agent.executor("group");
    assertEquals("RUNNING", running.path("state").asText(), running::toString);
    assertEquals("TASK_RUNNING", task(running, "waiter").path("state").asText(), running::toString);
    assertTrue(cgroupExists(stack, running.path("container_id").asText()));

    Files.createFile(done);
    JsonNode ended =
        agent.awaitExecutor(
            "group", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    JsonNode finished = task(ended, "waiter").path("status");
    assertEquals("TASK_FINISHED", finished.path("state").asText(), finished::toString);
    assertEquals("TASK_FAILED", task(ended, "stray").path("state").asText());
    assertFalse(cgroupExists(stack, ended.path("container_id").asText()), "the cgroup is left");
    JsonNode metrics = PrometheusText.parse(agent.metrics());
    assertEquals(
        1,
        PrometheusText.value(
            metrics,
            "portcullis_kills",
            "portcullis_kills_total",
            Map.of("reason", "container_limitation")));
  }

  @ParameterizedTest
  @EnumSource(Stack.class)
  void oneViolatingTaskKillsItsWholeGroupAndEveryTaskReportsTheLimitation(Stack stack)
      throws Exception {
    DaemonProcess agent = agent(stack.with("--enforce_container_ports"));
    DaemonProcess.Events events = agent.events();
    int allocated = FreePorts.any();
    int stray = FreePorts.any();
    agent
        .post(
            "/v1/executors",
            launch(
                "group",
                ports(allocated),
                spec("good", listen(allocated)),
                spec("stray", listen(stray)),
                spec("idle", sleep())))
        .expect(201);

    JsonNode ended =
        agent.awaitExecutor(
            "group", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    for (String taskId : List.of("good", "stray", "idle")) {
      assertLimitedOn(task(ended, taskId).path("status"), stray);
    }
    List<JsonNode> updates = events.next(9);
    assertEquals(
        Set.of("good:TASK_FAILED", "stray:TASK_FAILED", "idle:TASK_FAILED"),
        updates.subList(6, 9).stream()
            .map(AgentDaemonTest::taskAndState)
            .collect(Collectors.toSet()));
    assertFalse(
        cgroupExists(stack, ended.path("container_id").asText()), "the group's cgroup is left");

    JsonNode metrics = PrometheusText.parse(agent.metrics());
    assertEquals(
        1,
        PrometheusText.value(
            metrics,
            "portcullis_kills",
            "portcullis_kills_total",
            Map.of("reason", "container_limitation")));
    assertTrue(
        PrometheusText.value(
                metrics,
                "portcullis_violations",
                "portcullis_violations_total",
                Map.of("outcome", "killed"))
            >= 1);
    assertEquals(
        3,
        PrometheusText.value(
            metrics, "portcullis_tasks", "portcullis_tasks", Map.of("state", "TASK_FAILED")));
    assertTrue(
        PrometheusText.value(
                metrics, "portcullis_scans", "portcullis_scans_total", Map.of("mode", "exact"))
            >= 1);
    assertTrue(
        PrometheusText.value(
                metrics,
                "portcullis_scan_duration_seconds",
                "portcullis_scan_duration_seconds_count",
                Map.of())
            >= 1);
    assertTrue(
        PrometheusText.value(
                metrics, "portcullis_sockets_seen", "portcullis_sockets_seen", Map.of())
            >= 1);
    assertEquals(
        0,
        PrometheusText.value(
            metrics, "portcullis_containers_tracked", "portcullis_containers_tracked", Map.of()));
    assertEquals(
        1,
        PrometheusText.value(
            metrics,
            "portcullis_provider_info",
            "portcullis_provider_info",
            Map.of("kind", "process_tracker", "name", stack.tracker)));
    assertEquals("summary", metrics.path("portcullis_scan_duration_seconds").path("type").asText());
  }

  // --- Restarts ---

  @ParameterizedTest
  @EnumSource(Stack.class)
  void afterASigkillRestartLiveTasksAreStillEnforcedAndNothingIsLost(Stack stack) throws Exception {
    DaemonProcess first = agent(stack.with("--enforce_container_ports"));
    int port = FreePorts.any();
    first
        .post("/v1/executors", launch("keep", ports(port), spec("server", listen(port))))
        .expect(201);
    first
        .post(
            "/v1/executors",
            launch("brief", "", spec("short", List.of("/bin/sh", "-c", "sleep 2; exit 3"))))
        .expect(201);
    long serverPid =
        task(
                first.awaitExecutor(
                    "keep", "showed its listener", e -> !e.path("listening_ports").isNull()),
                "server")
            .path("pid")
            .asLong();

    first.crash();
    assertTrue(Listener.isRunning(serverPid), "the task died with the agent");
    Thread.sleep(3000); // "short" exits while no agent runs.

    DaemonProcess second = agent(stack.with("--enforce_container_ports"));
    JsonNode keep = second.executor("keep");
    assertEquals("RUNNING", keep.path("state").asText());
    assertEquals(serverPid, task(keep, "server").path("pid").asLong());
    JsonNode brief =
        second.awaitExecutor(
            "brief", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    JsonNode status = task(brief, "short").path("status");
    assertEquals("TASK_FAILED", status.path("state").asText(), status::toString);
    assertEquals("Command exited with status 3", status.path("message").asText());
    // A task of the agent's user records its status in its own sandbox.
    Path shortSandbox = Path.of(task(brief, "short").path("sandbox").asText());
    assertEquals("3\n", Files.readString(shortSandbox.resolve("exit_status")));

    // Still enforced: take its port away, and the next scan kills it.
    DaemonProcess.Events events = second.events();
    second.put("/v1/executors/keep/resources", "{\"resources\":\"cpus:1\"}").expect(200);
    JsonNode limited = events.next(1).get(0);
    assertEquals("TASK_FAILED", limited.path("state").asText(), limited::toString);
    assertEquals("REASON_CONTAINER_LIMITATION", limited.path("reason").asText());
    assertFalse(Listener.isRunning(serverPid), "the task outlived its limitation");
  }

  @Test
  void recoverBadTaskIsKilledAtTheFirstScanAndRecoverGoodTaskIsNot() throws Exception {
    DaemonProcess lenient = agent("--enforce_container_ports=false");
    int allocated = FreePorts.any();
    int stray = FreePorts.any();
    lenient
        .post("/v1/executors", launch("bad", ports(allocated), spec("bad-task", listen(stray))))
        .expect(201);
    lenient
        .post(
            "/v1/executors", launch("good", ports(allocated), spec("good-task", listen(allocated))))
        .expect(201);
    lenient.awaitExecutor(
        "bad",
        "was seen violating",
        e -> e.path("listening_ports").asText().equals("[" + stray + "-" + stray + "]"));
    lenient.awaitExecutor("good", "was seen listening", e -> !e.path("listening_ports").isNull());
    assertEquals(
        "RUNNING", lenient.executor("bad").path("state").asText(), "enforcement off killed it");
    lenient.crash();

    DaemonProcess strict = agent("--enforce_container_ports");
    JsonNode bad =
        strict.awaitExecutor(
            "bad", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    JsonNode status = task(bad, "bad-task").path("status");
    assertEquals("REASON_CONTAINER_LIMITATION", status.path("reason").asText(), status::toString);
    long scansThen = strict.get("/health").expect(200).body().path("scans").asLong();
    long deadline = System.nanoTime() + DaemonProcess.BOUND.toNanos();
    while (strict.get("/health").body().path("scans").asLong() < scansThen + 3) {
      assertTrue(System.nanoTime() < deadline, "scans stopped");
      Thread.sleep(100);
    }
    assertEquals("TASK_RUNNING", task(strict.executor("good"), "good-task").path("state").asText());
  }

  @Test
  void aCleanStopLeavesTheTasksRunningForTheNextStart() throws Exception {
    DaemonProcess first = agent("--enforce_container_ports");
    first.post("/v1/executors", launch("steady", "", spec("sleeper", sleep()))).expect(201);
    long pid = task(first.executor("steady"), "sleeper").path("pid").asLong();
    assertEquals(0, first.stop(), "SIGTERM is a clean stop");
    assertTrue(Listener.isRunning(pid), "a clean stop killed the task");

    DaemonProcess second = agent("--enforce_container_ports");
    JsonNode steady = second.executor("steady");
    assertEquals("TASK_RUNNING", task(steady, "sleeper").path("state").asText());
    assertEquals(pid, task(steady, "sleeper").path("pid").asLong());
  }

  @Test
  void aNestedCgroupNoCheckpointKnowsIsKilledWhileItsExecutorIsRecovered() throws Exception {
    DaemonProcess first = agent("--enforce_container_ports");
    JsonNode launched =
        first.post("/v1/executors", launch("host", "", spec("known", sleep()))).expect(201).body();
    long known = task(launched, "known").path("pid").asLong();
    first.crash();
    Path stowaway =
        scratch
            .v2()
            .orElseThrow()
            .resolve(launched.path("container_id").asText())
            .resolve("mesos")
            .resolve("stowaway");
    Files.createDirectories(stowaway);
    Process sleeper = new ProcessBuilder("sleep", "300").start();
    try {
      Files.writeString(stowaway.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
      DaemonProcess second = agent("--enforce_container_ports");
      assertFalse(Files.exists(stowaway), "the unknown nested cgroup is left");
      assertTrue(
          sleeper.waitFor(30, TimeUnit.SECONDS), "the unknown nested cgroup's process lives");
      assertEquals("TASK_RUNNING", task(second.executor("host"), "known").path("state").asText());
      assertTrue(Listener.isRunning(known), "the known task was killed with the stowaway");
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void aCgroupNoCheckpointKnowsIsKilledAndRemovedAtStart() throws Exception {
    Path orphan = scratch.v2().orElseThrow().resolve("orphan-executor");
    Files.createDirectories(orphan);
    Process sleeper = new ProcessBuilder("sleep", "300").start();
    try {
      Files.writeString(orphan.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
      DaemonProcess agent = agent("--enforce_container_ports");
      assertFalse(Files.exists(orphan), "the orphan cgroup is left");
      assertTrue(sleeper.waitFor(30, TimeUnit.SECONDS), "the orphan's process lives");
      JsonNode metrics = PrometheusText.parse(agent.metrics());
      assertEquals(
          1,
          PrometheusText.value(
              metrics, "portcullis_kills", "portcullis_kills_total", Map.of("reason", "orphan")));
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void readersThatStallOrVanishNeverHoldUpTheAgentOrOtherReaders() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports");
    URI events = URI.create(agent.url() + "/v1/events");
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(1024);
      readEvents(stalled, events);
      try (Socket vanishing = new Socket()) {
        readEvents(vanishing, events);
        awaitMetric(agent, "portcullis_event_readers 2");
      }
      DaemonProcess.Events reading = agent.events();
      awaitMetric(agent, "portcullis_event_readers 3");

      int executors = 20;
      for (int i = 0; i < executors; i++) {
        agent.post("/v1/executors", launch("e" + i, "", spec("t" + i, sleep()))).expect(201);
        agent.delete("/v1/executors/e" + i).expect(200);
      }
      List<JsonNode> updates = reading.next(3 * executors);
      assertEquals("t19:TASK_KILLED", taskAndState(updates.get(updates.size() - 1)));
      // The vanished reader is noticed at the first update that cannot reach it; the stalled one
      // stays, its updates queued for it.
      awaitMetric(agent, "portcullis_event_readers 2");
    }
  }

  /** Connects {@code reader} to the event stream and asks for it, reading nothing back. */
  private static void readEvents(Socket reader, URI events) throws IOException {
    reader.connect(new InetSocketAddress(events.getHost(), events.getPort()));
    reader
        .getOutputStream()
        .write(
            ("GET /v1/events HTTP/1.1\r\nHost: " + events.getAuthority() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
  }

  private static void awaitMetric(DaemonProcess agent, String line) throws InterruptedException {
    long deadline = System.nanoTime() + DaemonProcess.BOUND.toNanos();
    while (!agent.metrics().lines().anyMatch(line::equals)) {
      assertTrue(System.nanoTime() < deadline, "the metrics never showed " + line);
      Thread.sleep(100);
    }
  }

  // --- Users ---

  @Test
  void aTaskWithAUserRunsAsThatUserInASandboxItOwnsAndKeepsItAcrossARestart() throws Exception {
    DaemonProcess first = agent("--enforce_container_ports");
    ObjectNode who =
        spec(
            "who",
            List.of(
                "sh",
                "-c",
                "id -u > own-file; grep -E '^(Uid|Gid|Cap)' /proc/self/status; echo to-err >&2"));
    who.put("user", "nobody");
    ObjectNode sleeper = spec("sleeper", sleep());
    sleeper.put("user", "65534");
    ObjectNode agents = spec("agents", sleep());
    JsonNode launched =
        first.post("/v1/executors", launch("users", "", who, sleeper, agents)).expect(201).body();
    assertEquals("nobody", task(launched, "who").path("user").asText());
    assertEquals("nobody", task(launched, "sleeper").path("user").asText(), "a uid shows its name");
    assertTrue(task(launched, "agents").path("user").isNull(), launched::toString);

    JsonNode finished =
        first.awaitExecutor(
            "users",
            "saw task who finish",
            e -> task(e, "who").path("state").asText().equals("TASK_FINISHED"));
    Path sandbox = Path.of(task(finished, "who").path("sandbox").asText());
    for (Path owned :
        List.of(
            sandbox,
            sandbox.resolve("stdout"),
            sandbox.resolve("stderr"),
            sandbox.resolve("own-file"))) {
      assertEquals(65534, Files.getAttribute(owned, "unix:uid"), owned::toString);
      assertEquals(65534, Files.getAttribute(owned, "unix:gid"), owned::toString);
    }
    assertEquals("65534\n", Files.readString(sandbox.resolve("own-file")));
    assertEquals("to-err\n", Files.readString(sandbox.resolve("stderr")));
    String stdout = Files.readString(sandbox.resolve("stdout"));
    assertTrue(stdout.contains("Uid:\t65534\t65534\t65534\t65534"), stdout);
    assertTrue(stdout.contains("Gid:\t65534\t65534\t65534\t65534"), stdout);
    for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
      assertTrue(stdout.contains(set + ":\t0000000000000000"), stdout);
    }
    // The status is recorded beside the sandbox, by the agent's shell, where the task cannot write.
    Path status = sandbox.resolveSibling("who.exit_status");
    assertEquals("0\n", Files.readString(status));
    assertEquals(0, Files.getAttribute(status, "unix:uid"));
    Set<PosixFilePermission> executorDir = Files.getPosixFilePermissions(status.getParent());
    assertEquals(0, Files.getAttribute(status.getParent(), "unix:uid"));
    assertFalse(executorDir.contains(PosixFilePermission.GROUP_WRITE), executorDir::toString);
    assertFalse(executorDir.contains(PosixFilePermission.OTHERS_WRITE), executorDir::toString);
    assertFalse(Files.exists(sandbox.resolve("exit_status")), "a status in the sandbox");
    Path agentsSandbox = Path.of(task(finished, "agents").path("sandbox").asText());
    assertEquals(0, Files.getAttribute(agentsSandbox, "unix:uid"), "no user: the agent's");

    // Only the command is switched: the shell the agent supervises stays the agent's.
    long shell = task(finished, "sleeper").path("pid").asLong();
    assertEquals("0", statusField(shell, "Uid").split("\t")[0], "the supervising shell");
    long command = awaitChild(shell, "sleep");
    assertEquals("65534", statusField(command, "Uid").split("\t")[0], "the command");
    assertEquals("0000000000000000", statusField(command, "CapBnd"), "the command");

    first.crash();
    DaemonProcess second = agent("--enforce_container_ports");
    JsonNode recovered = second.executor("users");
    assertEquals("nobody", task(recovered, "sleeper").path("user").asText(), recovered::toString);
    assertEquals("TASK_RUNNING", task(recovered, "sleeper").path("state").asText());
    assertTrue(task(recovered, "agents").path("user").isNull(), recovered::toString);
    second.delete("/v1/executors/users").expect(200);
    assertFalse(Listener.isRunning(command), "the user's command outlived its kill");
  }

  @Test
  void anUnknownUserIsRefusedNamingTheTaskAndNothingIsCreated() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports");
    Path checkpoint = workDir.resolve("checkpoint.json");
    String before = Files.readString(checkpoint);
    Set<String> cgroupsBefore = cgroups();
    Set<String> workBefore = tree(workDir);
    String user = "no-such-user-" + ProcessHandle.current().pid();
    ObjectNode known = spec("known", sleep());
    known.put("user", "nobody");
    ObjectNode unknown = spec("unknown", List.of("touch", workDir.resolve("ran").toString()));
    unknown.put("user", user);

    DaemonProcess.Reply reply = agent.post("/v1/executors", launch("refused", "", known, unknown));

    reply.assertRefused(400, "tasks[1].user");
    assertTrue(reply.body().path("error").asText().contains(user), reply::toString);
    agent
        .post("/v1/executors", launch("refused", "", spec("bad", sleep()).put("user", "-x")))
        .assertRefused(400, "tasks[0].user");
    agent
        .post("/v1/executors", launch("refused", "", spec("bad", sleep()).put("user", 0)))
        .assertRefused(400, "tasks[0].user");
    agent.get("/v1/executors/refused").assertRefused(404, null);
    assertEquals(0, agent.get("/v1/executors").body().path("executors").size());
    assertEquals(cgroupsBefore, cgroups(), "a refused request made a cgroup");
    assertEquals(workBefore, tree(workDir), "a refused request made a sandbox");
    assertEquals(before, Files.readString(checkpoint), "a refused request was checkpointed");
  }

  @Test
  void withSwitchUserOffATaskUserIsIgnoredAndTheTaskRunsAsTheAgentsUser() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports", "--no-switch_user");
    ObjectNode who = spec("who", List.of("sh", "-c", "id -u; id -u > own-file"));
    who.put("user", "no-such-user-anywhere");
    agent.post("/v1/executors", launch("off", "", who)).expect(201);

    JsonNode ended =
        agent.awaitExecutor(
            "off", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    assertEquals("TASK_FINISHED", task(ended, "who").path("state").asText(), ended::toString);
    assertTrue(task(ended, "who").path("user").isNull(), ended::toString);
    Path sandbox = Path.of(task(ended, "who").path("sandbox").asText());
    assertEquals("0\n", Files.readString(sandbox.resolve("stdout")));
    assertEquals(0, Files.getAttribute(sandbox.resolve("own-file"), "unix:uid"));
  }

  /**
   * A checkpoint as agents wrote it before tasks had users: no {@code user}, no {@code
   * exit_status}, each task's shell recording its status in {@code <sandbox>/exit_status}. One task
   * still runs, one ended while no agent ran.
   */
  @Test
  void aCheckpointWrittenBeforeUsersIsRecovered() throws Exception {
    String liveExecutor = java.util.UUID.randomUUID().toString();
    String liveTask = java.util.UUID.randomUUID().toString();
    String doneExecutor = java.util.UUID.randomUUID().toString();
    String doneTask = java.util.UUID.randomUUID().toString();
    Path root = scratch.v2().orElseThrow();
    Path liveCgroup = root.resolve(liveExecutor).resolve("mesos").resolve(liveTask);
    Files.createDirectories(liveCgroup);
    Files.createDirectories(root.resolve(doneExecutor).resolve("mesos").resolve(doneTask));
    Path liveSandbox =
        Files.createDirectories(workDir.resolve("sandboxes").resolve(liveExecutor).resolve("live"));
    Path doneSandbox =
        Files.createDirectories(workDir.resolve("sandboxes").resolve(doneExecutor).resolve("done"));
    Files.writeString(doneSandbox.resolve("exit_status"), "3\n");
    Process sleeper = new ProcessBuilder("sleep", "300").start();
    try {
      Files.writeString(liveCgroup.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
      ObjectNode document = DaemonProcess.JSON.createObjectNode();
      document.put("format", 1);
      document.put("cgroups_root", scratch.name());
      document.put("process_tracker", "cgroups-v2");
      ArrayNode executors = document.putArray("executors");
      oldExecutor(executors, "old-live", liveExecutor)
          .add(oldTask("live", liveExecutor + "." + liveTask, liveSandbox, sleeper.pid()));
      ObjectNode ended = oldTask("done", doneExecutor + "." + doneTask, doneSandbox, 0);
      ended.remove("pid");
      oldExecutor(executors, "old-done", doneExecutor).add(ended);
      Files.writeString(workDir.resolve("checkpoint.json"), document.toString());

      DaemonProcess agent = agent("--enforce_container_ports");
      JsonNode live = agent.executor("old-live");
      assertEquals("TASK_RUNNING", task(live, "live").path("state").asText(), live::toString);
      assertTrue(task(live, "live").path("user").isNull(), live::toString);
      assertEquals(sleeper.pid(), task(live, "live").path("pid").asLong());
      JsonNode done =
          agent.awaitExecutor(
              "old-done", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
      JsonNode status = task(done, "done").path("status");
      assertEquals("TASK_FAILED", status.path("state").asText(), status::toString);
      assertEquals("Command exited with status 3", status.path("message").asText());

      agent.delete("/v1/executors/old-live").expect(200);
      assertTrue(sleeper.waitFor(30, TimeUnit.SECONDS), "the recovered task outlived its kill");
      JsonNode rewritten =
          DaemonProcess.JSON.readTree(Files.readString(workDir.resolve("checkpoint.json")));
      assertEquals(
          liveSandbox.resolve("exit_status").toString(),
          rewritten.path("executors").get(0).path("tasks").get(0).path("exit_status").asText(),
          "the old status file is kept");
    } finally {
      sleeper.destroyForcibly();
    }
  }

  private static ArrayNode oldExecutor(ArrayNode executors, String executorId, String container) {
    ObjectNode executor = executors.addObject();
    executor.put("executor_id", executorId);
    executor.put("container_id", container);
    executor.put("resources", "");
    executor.putArray("networks");
    executor.put("terminated", false);
    return executor.putArray("tasks");
  }

  private static ObjectNode oldTask(String taskId, String container, Path sandbox, long pid) {
    ObjectNode task = DaemonProcess.JSON.createObjectNode();
    task.put("task_id", taskId);
    task.put("container_id", container);
    task.putArray("command").add("sleep").add("300");
    task.put("sandbox", sandbox.toString());
    task.put("state", "TASK_RUNNING");
    task.put("pid", pid);
    return task;
  }

  /** A field of {@code /proc/<pid>/status}, its value stripped. */
  private static String statusField(long pid, String name) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).strip();
      }
    }
    throw new AssertionError("no " + name + " in /proc/" + pid + "/status");
  }

  /**
   * The child of a shell once it is {@code program}: the command is forked as the agent's user and
   * switched to the task's only as it executes.
   */
  private static long awaitChild(long pid, String program) throws Exception {
    long deadline = System.nanoTime() + DaemonProcess.BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Long> child =
          ProcessHandle.of(pid).stream()
              .flatMap(ProcessHandle::children)
              .map(ProcessHandle::pid)
              .findFirst();
      if (child.isPresent() && program.equals(comm(child.get()))) {
        return child.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("pid " + pid + " never started " + program);
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (java.io.IOException gone) {
      return "";
    }
  }

  /** Every path under a directory, relative to it. */
  private static Set<String> tree(Path dir) throws java.io.IOException {
    try (var walk = Files.walk(dir)) {
      return walk.map(p -> dir.relativize(p).toString()).collect(Collectors.toSet());
    }
  }

  // --- Refusals ---

  @Test
  void malformedRequestsAreRefusedNamingTheFieldAndLaunchNothing() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports");
    agent.post("/v1/executors", launch("taken", "", spec("t1", sleep()))).expect(201);
    Set<String> cgroupsBefore = cgroups();

    agent.post("/v1/executors", "{\"tasks\": [").assertRefused(400, null);
    agent.post("/v1/executors", "[]").assertRefused(400, null);
    agent.post("/v1/executors", "{\"tasks\":[]}").assertRefused(400, "tasks");
    agent
        .post(
            "/v1/executors",
            "{\"tasks\":[{\"command\":[\"true\"]},{\"command\":[\"true\"],\"shell\":1}]}")
        .assertRefused(400, "tasks[1].shell");
    agent
        .post("/v1/executors", "{\"executor_id\":\"a.b\",\"tasks\":[{\"command\":[\"true\"]}]}")
        .assertRefused(400, "executor_id");
    agent
        .post(
            "/v1/executors", "{\"resources\":\"ports:[9-1]\",\"tasks\":[{\"command\":[\"true\"]}]}")
        .assertRefused(400, "resources");
    agent
        .post("/v1/executors", "{\"tasks\":[{\"command\":[\"true\", 7]}]}")
        .assertRefused(400, "tasks[0].command[1]");
    agent
        .post("/v1/executors", "{\"executor_id\":\"taken\",\"tasks\":[{\"command\":[\"true\"]}]}")
        .assertRefused(409, "executor_id");
    agent
        .post(
            "/v1/executors",
            "{\"tasks\":[{\"task_id\":\"ok\",\"command\":[\"true\"]},{\"task_id\":\"t1\",\"command\":[\"true\"]}]}")
        .assertRefused(409, "tasks[1].task_id");
    agent
        .put("/v1/executors/taken/resources", "{\"resources\":\"ports:[x]\"}")
        .assertRefused(400, "resources");
    agent.put("/v1/executors/taken/resources", "{}").assertRefused(400, "resources");
    agent.put("/v1/executors/nobody/resources", "{\"resources\":\"\"}").assertRefused(404, null);
    agent.get("/v1/executors/nobody").assertRefused(404, null);
    agent.method("PATCH", "/v1/executors", "").assertRefused(405, null);
    agent.get("/v2/anything").assertRefused(404, null);

    assertEquals(
        1, agent.get("/v1/executors").body().path("executors").size(), "something was launched");
    assertEquals(cgroupsBefore, cgroups(), "a refused request made a cgroup");
    agent.delete("/v1/executors/taken").expect(200);
    agent.put("/v1/executors/taken/resources", "{\"resources\":\"\"}").assertRefused(409, null);
  }

  @Test
  void aCorruptCheckpointStopsStartUpUnlessCleanupIsAsked() throws Exception {
    DaemonProcess first = agent("--enforce_container_ports");
    first.post("/v1/executors", launch("left", "", spec("lingering", sleep()))).expect(201);
    long pid = task(first.executor("left"), "lingering").path("pid").asLong();
    first.crash();
    Path checkpoint = workDir.resolve("checkpoint.json");
    String corrupt = Files.readString(checkpoint).replace("\"container_id\"", "\"container\"");
    Files.writeString(checkpoint, corrupt, StandardCharsets.UTF_8);

    AgentLauncher.Result refused =
        AgentLauncher.run(
            Stream.concat(Stream.of("agent", "--port=0"), flags().stream()).toArray(String[]::new));
    assertEquals(2, refused.exit(), refused::toString);
    String message = String.join("\n", refused.errorLines());
    assertTrue(
        message.contains("checkpoint " + checkpoint + " is corrupt: executors[0].container_id"),
        message);
    assertTrue(message.contains("--recover=cleanup"), message);
    assertEquals(corrupt, Files.readString(checkpoint), "a refused start changed the checkpoint");
    assertTrue(Listener.isRunning(pid), "a refused start killed a task");

    DaemonProcess cleaned = agent("--recover=cleanup");
    assertEquals(0, cleaned.get("/v1/executors").body().path("executors").size());
    long deadline = System.nanoTime() + DaemonProcess.BOUND.toNanos();
    while (Listener.isRunning(pid)) {
      assertTrue(System.nanoTime() < deadline, "cleanup left the task alive");
      Thread.sleep(50);
    }
    assertTrue(cgroups().isEmpty(), "cleanup left cgroups: " + cgroups());
    try (var aside = Files.list(workDir)) {
      assertTrue(
          aside.anyMatch(p -> p.getFileName().toString().startsWith("checkpoint.json.discarded-")));
    }
  }

  // --- Helpers ---

  /**
   * Asserts that a task's last status is {@code TASK_FAILED} for a limitation naming exactly the
   * one port, in its message and in its {@code limitation} ports resource.
   */
  static void assertLimitedOn(JsonNode status, int port) {
    assertEquals("TASK_FAILED", status.path("state").asText(), status::toString);
    assertEquals("REASON_CONTAINER_LIMITATION", status.path("reason").asText(), status::toString);
    assertTrue(
        status
            .path("message")
            .asText()
            .contains("unallocated port(s): [" + port + "-" + port + "]"),
        status::toString);
    JsonNode range =
        status.path("limitation").path("resources").get(0).path("ranges").path("range");
    assertEquals(1, range.size(), status::toString);
    assertEquals(port, range.get(0).path("begin").asInt(), status::toString);
    assertEquals(port, range.get(0).path("end").asInt(), status::toString);
  }

  /** The providers a test runs with. */
  enum Stack {
    BEST_AVAILABLE("cgroups-v2"),
    PROCFS_AND_CGROUPS_V1("cgroups-v1", "--socket_source=procfs", "--process_tracker=cgroups-v1");

    final String tracker;
    private final List<String> flags;

    Stack(String tracker, String... flags) {
      this.tracker = tracker;
      this.flags = List.of(flags);
    }

    String[] with(String... more) {
      return Stream.concat(flags.stream(), Stream.of(more)).toArray(String[]::new);
    }
  }

  private DaemonProcess agent(String... extra) throws InterruptedException {
    DaemonProcess daemon = DaemonProcess.start(flags(extra));
    daemons.add(daemon);
    return daemon;
  }

  private List<String> flags(String... extra) {
    List<String> flags =
        new ArrayList<>(
            List.of("--work_dir=" + workDir, "--cgroups_root=" + scratch.name(), SCAN_INTERVAL));
    flags.addAll(List.of(extra));
    return flags;
  }

  private static String launch(String executorId, String resources, ObjectNode... tasks) {
    ObjectNode body = DaemonProcess.JSON.createObjectNode();
    body.put("executor_id", executorId);
    body.put("resources", resources);
    ArrayNode list = body.putArray("tasks");
    for (ObjectNode task : tasks) {
      list.add(task);
    }
    return body.toString();
  }

  private static ObjectNode spec(String taskId, List<String> command) {
    ObjectNode task = DaemonProcess.JSON.createObjectNode();
    task.put("task_id", taskId);
    ArrayNode argv = task.putArray("command");
    command.forEach(argv::add);
    return task;
  }

  private static List<String> listen(int port) {
    return List.of("python3", "-c", LISTEN, Integer.toString(port));
  }

  private static List<String> sleep() {
    return List.of("sleep", "300");
  }

  private static String ports(int port) {
    return "cpus:0.1;ports:[" + port + "-" + port + "]";
  }

  private static String ports(int a, int b) {
    return "ports:[" + a + "-" + a + "," + b + "-" + b + "]";
  }

  private static String ranges(int a, int b) {
    int low = Math.min(a, b);
    int high = Math.max(a, b);
    return high == low + 1
        ? "[" + low + "-" + high + "]"
        : "[" + low + "-" + low + ", " + high + "-" + high + "]";
  }

  private static String taskAndState(JsonNode update) {
    return update.path("task_id").path("value").asText() + ":" + update.path("state").asText();
  }

  private static String stateOf(String line) {
    try {
      return DaemonProcess.JSON.readTree(line).path("state").asText();
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  private boolean cgroupExists(String container) {
    return cgroupExists(Stack.BEST_AVAILABLE, container);
  }

  private boolean cgroupExists(Stack stack, String container) {
    Optional<Path> root = stack == Stack.BEST_AVAILABLE ? scratch.v2() : scratch.freezer();
    return Files.isDirectory(root.orElseThrow().resolve(container));
  }

  /** The cgroups under the scratch root, as relative paths. */
  private Set<String> cgroups() throws java.io.IOException {
    Path root = scratch.v2().orElseThrow();
    if (!Files.isDirectory(root)) {
      return Set.of();
    }
    try (var walk = Files.walk(root)) {
      return walk.filter(Files::isDirectory)
          .filter(p -> !p.equals(root))
          .map(p -> root.relativize(p).toString())
          .collect(Collectors.toSet());
    }
  }
}
