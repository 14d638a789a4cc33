package dev.portcullis.integration;

import static dev.portcullis.integration.DaemonProcess.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.linux.BusyboxRootfs;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import dev.portcullis.testkit.linux.TestProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adoption end to end: a real daemon follows containers it did not start, a podman {@code --network
 * host} container and a plain cgroup another "engine" (the test) made, judges them as executors,
 * kills them for a violation and notices their end. The engine's cgroups live under a scratch
 * directory of their own, outside the agent's scratch {@code --cgroups_root}: podman is given it as
 * {@code --cgroup-parent}, so that everything it makes is removed with it.
 */
@RequiresLinuxRoot
class AdoptionTest {

  private static final String SCAN_INTERVAL = "--container_ports_watch_interval=200ms";

  /** Podman's own open-file limit is above what this host lets a container set without it. */
  private static final List<String> PODMAN_LIMITS =
      List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");

  /**
   * Waits for the file {@code argv[1]}, then binds {@code argv[3]} (the guard refuses it: its errno
   * goes to {@code argv[2]}), then listens on {@code argv[4]}.
   */
  private static final String BIND_WHEN_TOLD =
      String.join(
          "\n",
          "import os, socket, sys, time",
          "while not os.path.exists(sys.argv[1]): time.sleep(0.05)",
          "s = socket.socket()",
          "try:",
          "    s.bind(('0.0.0.0', int(sys.argv[3])))",
          "    outcome = 'bound ' + sys.argv[3]",
          "except OSError as e:",
          "    outcome = 'refused ' + sys.argv[3] + ': ' + str(e.errno)",
          "open(sys.argv[2], 'w').write(outcome)",
          "t = socket.socket()",
          "t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
          "t.bind(('0.0.0.0', int(sys.argv[4])))",
          "t.listen()",
          "time.sleep(600)");

  @TempDir Path workDir;
  @TempDir Path scratchFiles;
  private ScratchCgroups scratch;
  private ScratchCgroups engine;
  private final List<DaemonProcess> daemons = new ArrayList<>();
  private final List<String> podmanContainers = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    scratch = new ScratchCgroups();
    engine = new ScratchCgroups("portcullis-adopt-test");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      for (DaemonProcess daemon : daemons) {
        daemon.close();
      }
      for (String name : podmanContainers) {
        podman("rm", "--force", "--time", "0", "--ignore", name);
      }
      for (Process process : processes) {
        AgentLauncher.kill(process);
      }
    } finally {
      try {
        scratch.close();
      } finally {
        engine.close();
      }
    }
  }

  // --- podman ---

  @Test
  void aPodmanContainerOnItsPortIsLeftAloneAndKilledOnceItsPortIsTakenAway() throws Exception {
    int port = FreePorts.any();
    int other = FreePorts.any();
    String name = podmanHttpd(port);
    DaemonProcess agent = agent("--enforce_container_ports");
    DaemonProcess.Events events = agent.events();

    JsonNode adopted =
        agent.post("/v1/executors", adoptPodman("cache", port, name)).expect(201).body();
    assertEquals(name, adopted.path("adoption").path("podman").asText(), adopted::toString);
    assertTrue(
        adopted.path("adoption").path("cgroup").asText().startsWith(engine.cgroup() + "/libpod-"),
        adopted::toString);
    List<JsonNode> started = events.next(2);
    assertEquals("TASK_RUNNING", started.get(1).path("state").asText(), started::toString);
    agent.awaitExecutor(
        "cache",
        "saw the container's listener",
        e -> task(e, "memcached").path("listening_ports").asText().equals(range(port)));
    Thread.sleep(1000); // five scans at the allocated port: nothing happens to it
    assertEquals("running", podmanState(name));

    agent
        .put("/v1/executors/cache/resources", "{\"resources\":\"" + ports(other) + "\"}")
        .expect(200);
    JsonNode limited = events.next(1).get(0);
    AgentDaemonTest.assertLimitedOn(limited, port);
    agent.awaitExecutor("cache", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    awaitPodmanState(name, "exited");
  }

  @Test
  void aPodmanContainerOnAnUnallocatedPortIsKilled() throws Exception {
    int port = FreePorts.any();
    int other = FreePorts.any();
    String name = podmanHttpd(other);
    DaemonProcess agent = agent("--enforce_container_ports");
    DaemonProcess.Events events = agent.events();
    agent.post("/v1/executors", adoptPodman("cache", port, name)).expect(201);
    List<JsonNode> updates = events.next(3);
    AgentDaemonTest.assertLimitedOn(updates.get(2), other);
    awaitPodmanState(name, "exited");
  }

  @Test
  void anAdoptionSurvivesARestartOfTheAgent() throws Exception {
    int port = FreePorts.any();
    int other = FreePorts.any();
    String name = podmanHttpd(port);
    DaemonProcess first = agent("--enforce_container_ports");
    first.post("/v1/executors", adoptPodman("cache", port, name)).expect(201);
    first.awaitExecutor(
        "cache",
        "saw the container's listener",
        e -> task(e, "memcached").path("listening_ports").asText().equals(range(port)));
    first.crash();

    DaemonProcess second = agent("--enforce_container_ports");
    JsonNode recovered = second.executor("cache");
    assertEquals("RUNNING", recovered.path("state").asText(), recovered::toString);
    assertEquals(name, recovered.path("adoption").path("podman").asText(), recovered::toString);
    second
        .put("/v1/executors/cache/resources", "{\"resources\":\"" + ports(other) + "\"}")
        .expect(200);
    JsonNode limited =
        second.awaitExecutor(
            "cache",
            "was limited",
            e -> task(e, "memcached").path("state").asText().equals("TASK_FAILED"));
    AgentDaemonTest.assertLimitedOn(task(limited, "memcached").path("status"), port);
    awaitPodmanState(name, "exited");
  }

  @Test
  void podmanContainersThatCannotBeAdoptedAreRefused() throws Exception {
    DaemonProcess agent = agent();
    refused(
        agent,
        adoptPodman("e", 1, "portcullis-test-no-such-container"),
        400,
        "adoption.podman",
        "no container");
    String isolated = "portcullis-test-" + Long.toHexString(System.nanoTime());
    podmanContainers.add(isolated);
    podman(podmanRun(isolated, "none", List.of("sleep", "600")));
    refused(agent, adoptPodman("e", 1, isolated), 400, "adoption.podman", "not host");
    assertEquals(0, agent.get("/v1/executors").expect(200).body().path("executors").size());
  }

  // --- a cgroup named by path ---

  @Test
  void aCgroupIsKilledForAViolationAndLeftToItsEngine() throws Exception {
    int port = FreePorts.any();
    int other = FreePorts.any();
    Path cgroup = engineCgroup("job");
    long server =
        startIn(
            cgroup,
            List.of(
                "python3", "-m", "http.server", "--bind", "127.0.0.1", Integer.toString(other)));
    DaemonProcess agent = agent("--enforce_container_ports");
    DaemonProcess.Events events = agent.events();

    agent.post("/v1/executors", adoptCgroup("job", port, engine.cgroup() + "/job")).expect(201);
    List<JsonNode> updates = events.next(3);
    AgentDaemonTest.assertLimitedOn(updates.get(2), other);
    assertTrue(TestProcesses.awaitGone(List.of(server)), "the adopted server survived");
    agent.awaitExecutor("job", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    assertTrue(Files.isDirectory(cgroup), "the agent removed the engine's cgroup");
  }

  @Test
  void anAdoptedCgroupThatEmptiesEndsItsTask() throws Exception {
    Path cgroup = engineCgroup("batch");
    startIn(cgroup, List.of("sleep", "3"));
    DaemonProcess agent = agent("--enforce_container_ports");
    DaemonProcess.Events events = agent.events();

    // Through the client command, as a user would.
    AgentLauncher.Result adopt =
        AgentLauncher.run(
            "adopt",
            "--agent=" + agent.url(),
            "--executor_id=batch",
            "--task_id=nightly",
            "--task_resources=" + ports(FreePorts.any()),
            "--cgroup=" + engine.cgroup() + "/batch");
    assertEquals(0, adopt.exit(), adopt::toString);
    assertEquals(
        engine.cgroup() + "/batch",
        DaemonProcess.JSON.readTree(adopt.out()).path("adoption").path("cgroup").asText(),
        adopt::toString);
    JsonNode ended = events.next(3).get(2);
    assertEquals("nightly", ended.path("task_id").path("value").asText(), ended::toString);
    assertEquals("TASK_FINISHED", ended.path("state").asText(), ended::toString);
    assertTrue(ended.path("message").asText().contains("holds no process"), ended::toString);
    assertTrue(Files.isDirectory(cgroup), "the agent removed the engine's cgroup");
  }

  @Test
  void cgroupsThatCannotBeAdoptedAreRefused() throws Exception {
    DaemonProcess agent = agent();
    refused(
        agent, adoptCgroup("e", 1, engine.cgroup() + "/missing"), 400, "adoption", "cannot adopt");
    refused(agent, adoptCgroup("e", 1, "relative"), 400, "adoption.cgroup", "starting with /");
    refused(
        agent, adoptCgroup("e", 1, "/" + scratch.name() + "/x"), 400, "adoption", "cannot adopt");
    ObjectNode both = (ObjectNode) DaemonProcess.JSON.readTree(adoptCgroup("e", 1, "/x"));
    both.putArray("tasks");
    refused(agent, both.toString(), 400, "tasks", "either tasks or adoption");

    // A process in it, or the first adoption would end as soon as the agent saw it empty.
    startIn(engineCgroup("twice"), List.of("sleep", "600"));
    agent.post("/v1/executors", adoptCgroup("first", 1, engine.cgroup() + "/twice")).expect(201);
    refused(
        agent,
        adoptCgroup("second", 1, engine.cgroup() + "/twice"),
        409,
        "adoption",
        "adopted already");
  }

  /**
   * With the bpf guard the engine's cgroup is guarded too: a bind to an unallocated port fails in
   * the kernel, one to the allocated port works, and the guard is detached when the executor goes,
   * leaving the cgroup to its engine.
   */
  @Test
  void anAdoptedCgroupIsGuardedUntilItsExecutorGoes() throws Exception {
    int port = FreePorts.any();
    int other = FreePorts.any();
    Path cgroup = engineCgroup("guarded");
    Path go = scratchFiles.resolve("go");
    Path result = scratchFiles.resolve("result");
    startIn(
        cgroup,
        List.of(
            "python3",
            "-c",
            BIND_WHEN_TOLD,
            go.toString(),
            result.toString(),
            Integer.toString(other),
            Integer.toString(port)));
    DaemonProcess first = agent("--enforce_container_ports", "--container_ports_guard=bpf");
    first
        .post("/v1/executors", adoptCgroup("guarded", port, engine.cgroup() + "/guarded"))
        .expect(201);
    BpfObjects.Attached guard = BpfObjects.query(cgroup);
    assertTrue(guard.programs().size() >= 4, "the bind hooks are not on the cgroup: " + guard);
    // A restarted agent finds the guard on the engine's cgroup and keeps it, not a second one.
    first.crash();
    DaemonProcess agent = agent("--enforce_container_ports", "--container_ports_guard=bpf");
    assertEquals(guard, BpfObjects.query(cgroup), "the restart changed the guard");
    Files.writeString(go, "go");
    JsonNode seen =
        agent.awaitExecutor(
            "guarded",
            "listened on its port",
            e -> e.path("tasks").get(0).path("listening_ports").asText().equals(range(port)));
    assertEquals("refused " + other + ": 1", Files.readString(result).strip(), seen::toString);
    JsonNode refused =
        agent.awaitExecutor(
            "guarded",
            "counted the refusal",
            e -> e.path("guard").path("refused_binds").asLong() > 0);
    assertTrue(
        refused.path("guard").path("refused_ports").asText().contains(range(other)),
        refused::toString);

    agent.delete("/v1/executors/guarded").expect(200);
    assertEquals(List.of(), BpfObjects.query(cgroup).programs(), "the guard was left behind");
    assertTrue(Files.isDirectory(cgroup), "the agent removed the engine's cgroup");
  }

  // --- Helpers ---

  private DaemonProcess agent(String... extra) throws InterruptedException {
    List<String> flags =
        new ArrayList<>(
            List.of("--work_dir=" + workDir, "--cgroups_root=" + scratch.name(), SCAN_INTERVAL));
    flags.addAll(List.of(extra));
    DaemonProcess daemon = DaemonProcess.start(flags);
    daemons.add(daemon);
    return daemon;
  }

  /** A cgroup of the engine's, in the v2 hierarchy the agent's tracker follows. */
  private Path engineCgroup(String name) throws IOException {
    Path dir = engine.v2().orElseThrow().resolve(name);
    Files.createDirectories(dir);
    return dir;
  }

  /** Starts a process and moves it into the cgroup, as an engine would. */
  private long startIn(Path cgroup, List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    processes.add(process);
    Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(process.pid()));
    return process.pid();
  }

  /** Starts busybox's httpd in a detached podman container on the host's network. */
  private String podmanHttpd(int port) throws Exception {
    String name = "portcullis-test-" + Long.toHexString(System.nanoTime());
    podmanContainers.add(name);
    podman(podmanRun(name, "host", List.of("/bin/httpd", "-f", "-p", Integer.toString(port))));
    return name;
  }

  private List<String> podmanRun(String name, String network, List<String> command)
      throws IOException {
    Path rootfs = BusyboxRootfs.create(scratchFiles.resolve(name)).root();
    List<String> args =
        new ArrayList<>(List.of("run", "--detach", "--runtime", "runc", "--network", network));
    args.addAll(PODMAN_LIMITS);
    args.addAll(
        List.of("--cgroup-parent", engine.cgroup(), "--name", name, "--rootfs", rootfs.toString()));
    args.addAll(command);
    return args;
  }

  private static String podman(String... args) throws Exception {
    return podman(List.of(args));
  }

  private static String podman(List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "podman " + args + " hung");
    assertEquals(0, process.exitValue(), () -> "podman " + args + ": " + output);
    return output.strip();
  }

  private static String podmanState(String name) throws Exception {
    return podman("container", "inspect", "--format", "{{.State.Status}}", name);
  }

  private static void awaitPodmanState(String name, String state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String seen = podmanState(name);
    while (!seen.equals(state)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("podman container " + name + " is " + seen + ", not " + state);
      }
      Thread.sleep(100);
      seen = podmanState(name);
    }
  }

  private static void refused(
      DaemonProcess agent, String body, int status, String field, String says) {
    DaemonProcess.Reply reply = agent.post("/v1/executors", body);
    reply.assertRefused(status, field);
    assertTrue(reply.body().path("error").asText().contains(says), reply::toString);
  }

  private static String adoptPodman(String executorId, int port, String name) {
    ObjectNode body = DaemonProcess.JSON.createObjectNode();
    body.put("executor_id", executorId);
    body.put("resources", ports(port));
    ObjectNode adoption = body.putObject("adoption");
    adoption.put("podman", name);
    adoption.put("task_id", "memcached");
    return body.toString();
  }

  private static String adoptCgroup(String executorId, int port, String cgroup) {
    ObjectNode body = DaemonProcess.JSON.createObjectNode();
    body.put("executor_id", executorId);
    body.put("resources", ports(port));
    body.putObject("adoption").put("cgroup", cgroup);
    return body.toString();
  }

  private static String ports(int port) {
    return "ports:[" + port + "-" + port + "]";
  }

  private static String range(int port) {
    return "[" + port + "-" + port + "]";
  }
}
