package dev.portcullis.integration;

import static dev.portcullis.integration.DaemonProcess.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.linux.BusyboxRootfs;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import dev.portcullis.testkit.linux.TestProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks in OCI containers, end to end: a real daemon and a real {@code portcullis run} start
 * busybox root filesystems with runc, in the host's network namespace, in the tasks' own cgroups
 * under a scratch {@code --cgroups_root}, with runc's state in a directory of the test's.
 * Afterwards nothing of them is left: no runtime state, and no cgroup in any hierarchy, runc making
 * its cgroups in every v1 controller as well as the freezer and v2.
 */
@RequiresLinuxRoot
class ContainerTaskTest {

  private static final String SCAN_INTERVAL = "--container_ports_watch_interval=200ms";

  @TempDir Path workDir;
  @TempDir Path scratchFiles;
  private Path rootfs;
  private Path runtimeRoot;
  private ScratchCgroups scratch;
  private final List<DaemonProcess> daemons = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    scratch = new ScratchCgroups();
    rootfs = BusyboxRootfs.create(scratchFiles.resolve("rootfs")).root();
    runtimeRoot = scratchFiles.resolve("runc");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      for (DaemonProcess daemon : daemons) {
        daemon.close();
      }
      // Whatever a failed test left to the runtime: its state goes before its cgroups.
      for (String id : runtimeContainers()) {
        new ProcessBuilder("runc", "--root", runtimeRoot.toString(), "delete", "--force", id)
            .inheritIO()
            .start()
            .waitFor(30, TimeUnit.SECONDS);
      }
    } finally {
      scratch.close();
    }
  }

  // --- The daemon ---

  @Test
  void aContainerListeningOnAnUnallocatedPortIsKilledWithItsPorts() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports");
    DaemonProcess.Events events = agent.events();
    int allocated = FreePorts.any();
    int other = FreePorts.any();

    JsonNode launched =
        agent
            .post(
                "/v1/executors", launch("web", ports(allocated), container("httpd", httpd(other))))
            .expect(201)
            .body();
    assertEquals("oci", task(launched, "httpd").path("container").path("type").asText());
    assertEquals(
        rootfs.toString(), task(launched, "httpd").path("container").path("rootfs").asText());

    List<JsonNode> updates = events.next(3);
    assertEquals("TASK_FAILED", updates.get(2).path("state").asText(), updates::toString);
    AgentDaemonTest.assertLimitedOn(updates.get(2), other);
    agent.awaitExecutor("web", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    assertNothingLeft(launched.path("container_id").asText());
  }

  @Test
  void theV1TrackerAndTheExactPathFollowContainerTasksToo() throws Exception {
    DaemonProcess agent =
        agent(
            "--enforce_container_ports", "--process_tracker=cgroups-v1", "--socket_source=procfs");
    DaemonProcess.Events events = agent.events();
    int allocated = FreePorts.any();
    int other = FreePorts.any();
    JsonNode launched =
        agent
            .post(
                "/v1/executors", launch("web", ports(allocated), container("httpd", httpd(other))))
            .expect(201)
            .body();
    AgentDaemonTest.assertLimitedOn(events.next(3).get(2), other);
    agent.awaitExecutor("web", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    assertNothingLeft(launched.path("container_id").asText());
  }

  @Test
  void aContainerOnItsAllocatedPortRunsInItsOwnNamespacesUntilKilled() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports");
    int port = FreePorts.any();
    JsonNode launched =
        agent
            .post("/v1/executors", launch("web", ports(port), container("httpd", httpd(port))))
            .expect(201)
            .body();
    String root = launched.path("container_id").asText();
    String taskContainer = task(launched, "httpd").path("container_id").asText();

    agent.awaitExecutor(
        "web",
        "showed its container's listener",
        e -> task(e, "httpd").path("listening_ports").asText().equals(range(port)));
    // The container's process shares the host's network namespace, not its pid namespace.
    long server = onlyContainerProcess(taskContainer);
    assertEquals(namespace("self", "net"), namespace(Long.toString(server), "net"));
    assertNotEquals(namespace("self", "pid"), namespace(Long.toString(server), "pid"));
    assertTrue(runtimeContainers().contains(taskContainer), "runc holds no " + taskContainer);

    JsonNode killed = agent.delete("/v1/executors/web").expect(200).body();
    assertEquals("TASK_KILLED", task(killed, "httpd").path("state").asText(), killed::toString);
    assertNothingLeft(root);
  }

  @Test
  void theLaunchCommandStartsAContainerTask() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports");
    int port = FreePorts.any();
    AgentLauncher.Result launch =
        AgentLauncher.run(
            "launch",
            "--agent=" + agent.url(),
            "--executor_id=cli",
            "--task_id=httpd",
            "--task_resources=" + ports(port),
            "--task_rootfs=" + rootfs,
            "--",
            "httpd",
            "-f",
            "-p",
            Integer.toString(port));
    assertEquals(0, launch.exit(), launch::toString);
    JsonNode launched = DaemonProcess.JSON.readTree(launch.out());
    assertEquals(
        rootfs.toString(), task(launched, "httpd").path("container").path("rootfs").asText());
    agent.awaitExecutor(
        "cli",
        "showed its container's listener",
        e -> task(e, "httpd").path("listening_ports").asText().equals(range(port)));
    agent.delete("/v1/executors/cli").expect(200);
    assertNothingLeft(launched.path("container_id").asText());
  }

  @Test
  void aGroupOfAContainerTaskAndAHostTaskFailsTogether() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports");
    DaemonProcess.Events events = agent.events();
    int port = FreePorts.any();
    ObjectNode failing = DaemonProcess.JSON.createObjectNode();
    failing.put("task_id", "host");
    failing.putArray("command").add("/bin/sh").add("-c").add("sleep 1; exit 3");
    JsonNode launched =
        agent
            .post(
                "/v1/executors",
                launch("group", ports(port), container("httpd", httpd(port)), failing))
            .expect(201)
            .body();

    List<JsonNode> ends = events.next(6).subList(4, 6);
    assertEquals(
        List.of("host:TASK_FAILED", "httpd:TASK_KILLED"),
        ends.stream().map(ContainerTaskTest::taskAndState).sorted().toList(),
        ends::toString);
    agent.awaitExecutor("group", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    assertNothingLeft(launched.path("container_id").asText());
  }

  @Test
  void aRestartedAgentRecoversItsContainerTasksAndStillEnforces() throws Exception {
    DaemonProcess first = agent("--enforce_container_ports");
    int port = FreePorts.any();
    int next = FreePorts.any();
    JsonNode launched =
        first
            .post("/v1/executors", launch("web", ports(port), container("httpd", httpd(port))))
            .expect(201)
            .body();
    String taskContainer = task(launched, "httpd").path("container_id").asText();
    first.awaitExecutor(
        "web",
        "saw its listener",
        e -> task(e, "httpd").path("listening_ports").asText().equals(range(port)));
    long server = onlyContainerProcess(taskContainer);
    first.crash();

    DaemonProcess second = agent("--enforce_container_ports");
    JsonNode recovered = second.executor("web");
    assertEquals(
        "TASK_RUNNING", task(recovered, "httpd").path("state").asText(), recovered::toString);
    assertTrue(!TestProcesses.isGone(server), "the container's server died with the agent");
    DaemonProcess.Events events = second.events();
    second
        .put("/v1/executors/web/resources", "{\"resources\":\"" + ports(next) + "\"}")
        .expect(200);
    JsonNode limited =
        second.awaitExecutor(
            "web",
            "was limited",
            e -> task(e, "httpd").path("state").asText().equals("TASK_FAILED"));
    AgentDaemonTest.assertLimitedOn(task(limited, "httpd").path("status"), port);
    JsonNode failed = events.next(1).get(0);
    while (!failed.path("state").asText().equals("TASK_FAILED")) {
      failed = events.next(1).get(0);
    }
    AgentDaemonTest.assertLimitedOn(failed, port);
    second.awaitExecutor("web", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    assertNothingLeft(launched.path("container_id").asText());
  }

  @Test
  void cleanupRecoveryRemovesContainerTasksAndTheirRuntimeState() throws Exception {
    DaemonProcess first = agent();
    int port = FreePorts.any();
    JsonNode launched =
        first
            .post("/v1/executors", launch("web", ports(port), container("httpd", httpd(port))))
            .expect(201)
            .body();
    String taskContainer = task(launched, "httpd").path("container_id").asText();
    first.awaitExecutor(
        "web",
        "saw its listener",
        e -> task(e, "httpd").path("listening_ports").asText().equals(range(port)));
    long server = onlyContainerProcess(taskContainer);
    first.crash();

    agent("--recover=cleanup");
    assertFalse(!TestProcesses.isGone(server), "the cleanup left the container's server");
    assertNothingLeft(launched.path("container_id").asText());
  }

  @Test
  void anotherAgentOnTheSameRootRemovesContainerTasksAsOrphans() throws Exception {
    DaemonProcess first = agent();
    int port = FreePorts.any();
    JsonNode launched =
        first
            .post("/v1/executors", launch("web", ports(port), container("httpd", httpd(port))))
            .expect(201)
            .body();
    String taskContainer = task(launched, "httpd").path("container_id").asText();
    first.awaitExecutor(
        "web",
        "saw its listener",
        e -> task(e, "httpd").path("listening_ports").asText().equals(range(port)));
    long server = onlyContainerProcess(taskContainer);
    first.crash();

    // A new work directory: no checkpoint knows the container, which is under the root all the
    // same.
    Path otherWorkDir = scratchFiles.resolve("other-work-dir");
    Files.createDirectories(otherWorkDir);
    DaemonProcess second =
        DaemonProcess.start(
            List.of(
                "--work_dir=" + otherWorkDir,
                "--cgroups_root=" + scratch.name(),
                "--oci_runtime_root=" + runtimeRoot,
                SCAN_INTERVAL));
    daemons.add(second);
    assertTrue(TestProcesses.awaitGone(List.of(server)), "the orphan's server survived");
    assertNothingLeft(launched.path("container_id").asText());
  }

  @Test
  void theGuardRefusesAContainersBindOnAnUnallocatedPort() throws Exception {
    DaemonProcess agent = agent("--enforce_container_ports", "--container_ports_guard=bpf");
    int allocated = FreePorts.any();
    int other = FreePorts.any();
    JsonNode launched =
        agent
            .post(
                "/v1/executors", launch("web", ports(allocated), container("httpd", httpd(other))))
            .expect(201)
            .body();
    JsonNode refused =
        agent.awaitExecutor(
            "web", "had a bind refused", e -> e.path("guard").path("refused_binds").asLong() > 0);
    assertTrue(
        refused.path("guard").path("refused_ports").asText().contains(range(other)),
        refused::toString);
    // busybox httpd exits when its bind fails: the task ends, and never listened.
    JsonNode ended =
        agent.awaitExecutor(
            "web", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    assertEquals("TASK_FAILED", task(ended, "httpd").path("state").asText(), ended::toString);
    assertNothingLeft(launched.path("container_id").asText());
  }

  @Test
  void badContainersAreRefusedAndNothingIsLaunched() throws Exception {
    DaemonProcess agent = agent();
    Path missing = scratchFiles.resolve("no-such-rootfs");
    refused(
        agent,
        withContainer(Map.of("type", "oci", "rootfs", missing.toString())),
        "tasks[0].container",
        "does not exist");
    refused(
        agent,
        withContainer(Map.of("type", "oci", "rootfs", "relative/rootfs")),
        "tasks[0].container.rootfs",
        "absolute");
    refused(
        agent,
        withContainer(Map.of("type", "docker", "rootfs", rootfs.toString())),
        "tasks[0].container.type",
        "oci");
    refused(
        agent,
        withContainer(Map.of("type", "oci", "rootfs", rootfs.toString(), "mounts", "[]")),
        "tasks[0].container.mounts",
        "unknown field");
    refused(
        agent,
        withContainer(Map.of("rootfs", rootfs.toString())),
        "tasks[0].container.type",
        "required");

    ObjectNode noSuchProgram = container("t", List.of("python3", "-c", "pass"));
    refused(
        agent, launch("e", "", noSuchProgram), "tasks[0].container", "holds no executable python3");

    ObjectNode body =
        (ObjectNode) DaemonProcess.JSON.readTree(launch("e", "", container("t", httpd(1))));
    body.putArray("networks").add("net-a");
    refused(agent, body.toString(), "tasks[0].container", "shares the host's network namespace");

    assertEquals(0, agent.get("/v1/executors").expect(200).body().path("executors").size());
    assertEquals(List.of(), runtimeContainers());
    assertEquals(List.of(), scratch.leftovers(), "a refused launch made cgroups");
  }

  @Test
  void anAgentWhoseRuntimeIsMissingDoesNotStart() throws Exception {
    AgentLauncher.Result result =
        AgentLauncher.run(
            "agent",
            "--port=0",
            "--work_dir=" + workDir,
            "--cgroups_root=" + scratch.name(),
            "--oci_runtime=" + scratchFiles.resolve("no-such-runc"));
    assertEquals(2, result.exit(), result::toString);
    assertTrue(result.err().contains("--oci_runtime"), result::toString);
    assertTrue(result.err().contains("is no executable file"), result::toString);
  }

  // --- portcullis run ---

  @Test
  void runKillsAContainerListeningOnAnUnallocatedPort() throws Exception {
    int allocated = FreePorts.any();
    int other = FreePorts.any();
    AgentLauncher.Result result =
        AgentLauncher.run(
            runFlags(
                "--enforce_container_ports",
                "--task_resources=" + ports(allocated),
                "--task_rootfs=" + rootfs,
                "--task_env=GREETING=hello",
                "--task_hostname=boxed",
                "--",
                "/bin/sh",
                "-c",
                "echo \"$GREETING from $(cat /proc/sys/kernel/hostname) in $(pwd)\" >&2; exec httpd"
                    + " -f -p "
                    + other));
    assertEquals(1, result.exit(), result::toString);
    List<JsonNode> updates = statusLines(result.out());
    JsonNode last = updates.get(updates.size() - 1);
    AgentDaemonTest.assertLimitedOn(last, other);
    assertTrue(result.err().contains("hello from boxed in /mnt/mesos/sandbox"), result::toString);
    assertEquals(List.of(), runtimeContainers());
    assertEquals(List.of(), scratch.leftovers(), "run left cgroups");
  }

  @Test
  void sigtermToRunKillsTheContainerAndLeavesNothing() throws Exception {
    int port = FreePorts.any();
    Path stdout = scratchFiles.resolve("run.stdout");
    List<String> command = new ArrayList<>(List.of(AgentLauncher.SCRIPT.toString()));
    command.addAll(
        List.of(
            runFlags(
                "--enforce_container_ports",
                "--task_resources=" + ports(port),
                "--task_rootfs=" + rootfs,
                "--",
                "httpd",
                "-f",
                "-p",
                Integer.toString(port))));
    Process run =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    try {
      JsonNode running = awaitStatus(stdout, "TASK_RUNNING", run);
      String container = running.path("container_id").path("value").asText();
      long server = awaitProcessIn(scratch.v2().orElseThrow().resolve(container));

      run.destroy(); // SIGTERM: the launcher execs java, so this is the agent's JVM
      assertTrue(run.waitFor(60, TimeUnit.SECONDS), "run ignored SIGTERM");
      assertEquals(1, run.exitValue());
      JsonNode killed = awaitStatus(stdout, "TASK_KILLED", run);
      assertEquals("Killed by SIGTERM to portcullis run", killed.path("message").asText());
      assertTrue(TestProcesses.awaitGone(List.of(server)), "the container's server survived");
    } finally {
      AgentLauncher.kill(run);
    }
    assertEquals(List.of(), runtimeContainers());
    assertEquals(List.of(), scratch.leftovers(), "run left cgroups");
  }

  /** The status update in {@code state} that {@code run} wrote to the file, once it has. */
  private static JsonNode awaitStatus(Path stdout, String state, Process run) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (JsonNode update : statusLines(Files.readString(stdout))) {
        if (update.path("state").asText().equals(state)) {
          return update;
        }
      }
      if (!run.isAlive() && !state.equals("TASK_KILLED")) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + state + " in: " + Files.readString(stdout));
  }

  @Test
  void runReportsAContainersExitStatus() throws Exception {
    AgentLauncher.Result result =
        AgentLauncher.run(runFlags("--task_rootfs=" + rootfs, "--", "sh", "-c", "exit 3"));
    assertEquals(1, result.exit(), result::toString);
    List<JsonNode> updates = statusLines(result.out());
    JsonNode last = updates.get(updates.size() - 1);
    assertEquals("TASK_FAILED", last.path("state").asText(), last::toString);
    assertTrue(last.path("message").asText().contains("3"), last::toString);
    assertEquals(List.of(), runtimeContainers());
    assertEquals(List.of(), scratch.leftovers(), "run left cgroups");
  }

  @Test
  void runRefusesARootfsWithoutTheCommand() throws Exception {
    AgentLauncher.Result result =
        AgentLauncher.run(runFlags("--task_rootfs=" + rootfs, "--", "python3", "-c", "pass"));
    assertEquals(2, result.exit(), result::toString);
    assertTrue(result.err().contains("holds no executable python3"), result::toString);
    assertEquals(List.of(), scratch.leftovers(), "a refused run made cgroups");
  }

  // --- Helpers ---

  private DaemonProcess agent(String... extra) throws InterruptedException {
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--work_dir=" + workDir,
                "--cgroups_root=" + scratch.name(),
                "--oci_runtime_root=" + runtimeRoot,
                SCAN_INTERVAL));
    flags.addAll(List.of(extra));
    DaemonProcess daemon = DaemonProcess.start(flags);
    daemons.add(daemon);
    return daemon;
  }

  private String[] runFlags(String... extra) {
    return Stream.concat(
            Stream.of(
                "run",
                "--cgroups_root=" + scratch.name(),
                "--oci_runtime_root=" + runtimeRoot,
                SCAN_INTERVAL),
            Stream.of(extra))
        .toArray(String[]::new);
  }

  /** The runtime's containers: the directories of its state root. */
  private List<String> runtimeContainers() throws IOException {
    if (!Files.isDirectory(runtimeRoot)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(runtimeRoot)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * Asserts that an executor left nothing: no runtime state, and no cgroup of its in any hierarchy.
   */
  private void assertNothingLeft(String executorContainer) throws IOException {
    assertEquals(List.of(), runtimeContainers(), "runc state is left");
    List<String> left =
        scratch.leftovers().stream().filter(dir -> dir.contains(executorContainer)).toList();
    assertEquals(List.of(), left, "cgroups are left");
  }

  /** The one process of a container task that is not its shell or runc: the container's. */
  private long onlyContainerProcess(String taskContainer) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (long pid : pids(taskContainer)) {
        String comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        if (comm.equals("httpd")) {
          return pid;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no httpd in " + taskContainer);
  }

  /** The container's httpd, once it runs in the cgroup. */
  private static long awaitProcessIn(Path cgroup) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Path procs = cgroup.resolve("cgroup.procs");
      if (Files.exists(procs)) {
        for (String line : Files.readAllLines(procs)) {
          if (!line.isBlank()
              && Files.readString(Path.of("/proc", line.strip(), "comm")).strip().equals("httpd")) {
            return Long.parseLong(line.strip());
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no httpd in " + cgroup);
  }

  /** The processes of a nested task container, read from its v2 cgroup. */
  private List<Long> pids(String taskContainer) throws IOException {
    String[] ids = taskContainer.split("\\.");
    Path procs =
        scratch
            .v2()
            .orElseThrow()
            .resolve(ids[0])
            .resolve("mesos")
            .resolve(ids[1])
            .resolve("cgroup.procs");
    if (!Files.exists(procs)) {
      return List.of();
    }
    return Files.readAllLines(procs).stream()
        .filter(l -> !l.isBlank())
        .map(Long::parseLong)
        .toList();
  }

  private static String namespace(String pid, String kind) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc", pid, "ns", kind)).toString();
  }

  private void refused(DaemonProcess agent, String body, String field, String says) {
    DaemonProcess.Reply reply = agent.post("/v1/executors", body);
    reply.assertRefused(400, field);
    assertTrue(reply.body().path("error").asText().contains(says), reply::toString);
  }

  private String withContainer(Map<String, String> container) {
    ObjectNode task = DaemonProcess.JSON.createObjectNode();
    task.put("task_id", "t");
    task.putArray("command").add("httpd").add("-f").add("-p").add("1");
    ObjectNode spec = task.putObject("container");
    container.forEach(
        (name, value) -> {
          if (value.equals("[]")) {
            spec.putArray(name);
          } else {
            spec.put(name, value);
          }
        });
    return launch("e", "", task);
  }

  private ObjectNode container(String taskId, List<String> command) {
    ObjectNode task = DaemonProcess.JSON.createObjectNode();
    task.put("task_id", taskId);
    ArrayNode argv = task.putArray("command");
    command.forEach(argv::add);
    ObjectNode container = task.putObject("container");
    container.put("type", "oci");
    container.put("rootfs", rootfs.toString());
    return task;
  }

  private static List<String> httpd(int port) {
    return List.of("httpd", "-f", "-p", Integer.toString(port));
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

  private static String ports(int port) {
    return "ports:[" + port + "-" + port + "]";
  }

  private static String range(int port) {
    return "[" + port + "-" + port + "]";
  }

  private static String taskAndState(JsonNode update) {
    return update.path("task_id").path("value").asText() + ":" + update.path("state").asText();
  }

  private static List<JsonNode> statusLines(String out) throws IOException {
    List<JsonNode> updates = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        updates.add(DaemonProcess.JSON.readTree(line));
      }
    }
    return updates;
  }
}
