package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/portcullis run} end to end, driven as a user drives it: a real launcher, a real JVM,
 * real tasks in real cgroups, status updates read from its standard output. Every run uses a
 * scratch {@code --cgroups_root} that is destroyed afterwards, whatever happened.
 */
@RequiresLinuxRoot
class RunCommandTest {

  private static final Path PORTCULLIS = Path.of("../bin/portcullis").toAbsolutePath().normalize();
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A log line from slf4j-simple as the launcher configures it: {@code HH:mm:ss.SSS LEVEL ...}. */
  private static final Pattern LOG_LINE =
      Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) .*");

  /** The violation as the core logs it, without the container and ports. */
  private static final String VIOLATION = "is listening on unallocated port(s)";

  private static final Pattern SCANS = Pattern.compile("Scanned (\\d+) time\\(s\\) while task");

  /**
   * Listens on each {@code proto,host,port} given after the number of seconds to hold them, then
   * exits 0: a task that finishes by itself once enough scans have seen its sockets.
   */
  private static final String PYTHON_LISTENER =
      String.join(
          "\n",
          "import socket, sys, time",
          "held = []",
          "for spec in sys.argv[2:]:",
          "    proto, host, port = spec.split(',')",
          "    family = socket.AF_INET6 if ':' in host else socket.AF_INET",
          "    kind = socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM",
          "    s = socket.socket(family, kind)",
          "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
          "    s.bind((host, int(port)))",
          "    if proto == 'tcp':",
          "        s.listen()",
          "    held.append(s)",
          "time.sleep(float(sys.argv[1]))");

  @TempDir Path tmp;
  private ScratchCgroups scratch;

  @BeforeEach
  void scratchRoot() {
    assertTrue(Files.isExecutable(PORTCULLIS), "no launcher at " + PORTCULLIS);
    scratch = new ScratchCgroups();
  }

  @AfterEach
  void destroyScratchRoot() {
    scratch.close();
  }

  // --- Enforcement ---

  @Test
  void aTaskListeningOnItsAllocatedPortSurvivesAndFinishes() throws Exception {
    int port = FreePorts.any();
    Run run =
        run(
            List.of(
                "--enforce_container_ports=true",
                "--container_ports_watch_interval=100ms",
                "--task_id=web-1",
                "--task_resources=cpus:0.1;mem:32;ports:[" + port + "-" + port + "]"),
            python(1.5, "tcp,0.0.0.0," + port));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    assertEquals(0, run.exit(), run::describe);
    JsonNode finished = run.terminal();
    assertEquals("web-1", finished.path("task_id").path("value").asText());
    assertEquals("Command exited with status 0", finished.path("message").asText());
    assertFalse(finished.has("limitation"), run::describe);
    assertTrue(run.scans() >= 3, () -> "too few scans saw the listener:\n" + run.describe());
    assertNoContainerCgroupLeft();
  }

  static Stream<Arguments> stacks() {
    return Stream.of(
        Arguments.of("best available", List.of("--enforce_container_ports")),
        Arguments.of(
            "procfs and cgroups-v1",
            List.of(
                "--enforce_container_ports=true",
                "--socket_source=procfs",
                "--process_tracker=cgroups-v1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void aTaskListeningOnAnUnallocatedPortFailsWithExactlyThatPortAsItsLimitation(
      String stack, List<String> stackFlags) throws Exception {
    int allocated = FreePorts.any();
    int stray = FreePorts.any();
    List<String> flags = new ArrayList<>(stackFlags);
    flags.add("--container_ports_watch_interval=200ms");
    flags.add("--task_id=stray-1");
    flags.add("--task_resources=ports:[" + allocated + "-" + allocated + "]");

    Run run = run(flags, listen("--tcp=" + stray));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED");
    assertEquals(1, run.exit(), run::describe);
    JsonNode failed = run.terminal();
    String container = failed.path("container_id").path("value").asText();
    assertEquals("stray-1", failed.path("task_id").path("value").asText());
    assertEquals("SOURCE_AGENT", failed.path("source").asText());
    assertTrue(failed.path("timestamp").isDouble(), () -> "timestamp: " + failed);
    assertTrue(failed.path("timestamp").asDouble() > 1.5e9, () -> "timestamp: " + failed);
    assertEquals("REASON_CONTAINER_LIMITATION", failed.path("reason").asText());
    assertEquals(
        "Container "
            + container
            + " is listening on unallocated port(s): ["
            + stray
            + "-"
            + stray
            + "]",
        failed.path("message").asText());
    assertLimitation(failed, stray);
    assertEquals(
        failed.path("container_id"), run.updates().get(0).path("container_id"), run::describe);
    assertPortClosed(stray);
    assertNoContainerCgroupLeft();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "(flag absent)",
        "--no-enforce_container_ports",
        "--enforce_container_ports=false"
      })
  void withEnforcementOffTheTaskSurvivesAndTheViolationIsLoggedOnce(String enforcement)
      throws Exception {
    int stray = FreePorts.any();
    List<String> flags = new ArrayList<>(List.of("--container_ports_watch_interval=100ms"));
    if (enforcement.startsWith("--")) {
      flags.add(enforcement);
    }

    Run run = run(flags, python(1.5, "tcp,0.0.0.0," + stray));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    assertEquals(0, run.exit(), run::describe);
    String violation = "is listening on unallocated port(s): [" + stray + "-" + stray + "]";
    assertEquals(1, occurrences(run.stderr(), violation), run::describe);
    assertTrue(run.scans() >= 3, () -> "too few scans saw the listener:\n" + run.describe());
    assertNoContainerCgroupLeft();
  }

  // --- Which ports are checked ---

  @Test
  void rangeOnlyWithoutAgentPortsChecksTheMesosDefaultRange() throws Exception {
    int inside = freePortIn(31000, 32000);
    int outside = freePortOutside(31000, 32000);

    // The outside port is bound first, so every scan that sees the inside one sees it too.
    Run run =
        run(
            List.of(
                "--enforce_container_ports",
                "--check_agent_port_range_only",
                "--container_ports_watch_interval=200ms"),
            listen("--tcp=" + outside, "--tcp=" + inside));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED");
    assertLimitation(run.terminal(), inside);
    assertEquals(1, run.exit(), run::describe);
  }

  @Test
  void rangeOnlyChecksTheAgentsOwnPorts() throws Exception {
    int agentPort = FreePorts.any();
    int other = FreePorts.any();

    Run run =
        run(
            List.of(
                "--enforce_container_ports",
                "--check_agent_port_range_only=true",
                "--resources=cpus:2;mem:1024;ports:[" + agentPort + "-" + agentPort + "]",
                "--container_ports_watch_interval=200ms"),
            listen("--tcp=" + other, "--tcp=" + agentPort));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED");
    assertLimitation(run.terminal(), agentPort);
    assertEquals(1, run.exit(), run::describe);
  }

  @Test
  void rangeOnlyWithAnEmptyAgentPortsResourceChecksNothing() throws Exception {
    int inside = freePortIn(31000, 32000);
    int outside = freePortOutside(31000, 32000);

    Run run =
        run(
            List.of(
                "--enforce_container_ports",
                "--check_agent_port_range_only",
                "--resources=ports:[]",
                "--container_ports_watch_interval=100ms"),
            python(1.5, "tcp,0.0.0.0," + inside, "tcp,0.0.0.0," + outside));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    assertEquals(0, run.exit(), run::describe);
    assertFalse(run.stderr().contains(VIOLATION), run::describe);
    assertTrue(run.scans() >= 3, run::describe);
  }

  @Test
  void theIsolatedRangeUpTo65535CatchesAListenerOnPort65535() throws Exception {
    assumeTrue(FreePorts.isFree(65535), "port 65535 is in use on this host");
    int low = freePortIn(900, 1023);

    Run run =
        run(
            List.of(
                "--enforce_container_ports",
                "--container_ports_isolated_range=[1024-65535]",
                "--container_ports_watch_interval=200ms"),
            listen("--tcp=" + low, "--tcp=65535"));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED");
    assertLimitation(run.terminal(), 65535);
    assertEquals(1, run.exit(), run::describe);
  }

  // --- Listener shapes ---

  @Test
  void anIpv6WildcardListenerIsCaught() throws Exception {
    int stray = FreePorts.any();

    Run run =
        run(
            List.of("--enforce_container_ports", "--container_ports_watch_interval=200ms"),
            listen("--ipv6", "--tcp=" + stray));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED");
    assertLimitation(run.terminal(), stray);
    assertEquals(1, run.exit(), run::describe);
  }

  @Test
  void aLoopbackListenerIsCaughtLikeAWildcardOne() throws Exception {
    int stray = FreePorts.any();

    Run run =
        run(
            List.of("--enforce_container_ports", "--container_ports_watch_interval=100ms"),
            python(30, "tcp,127.0.0.1," + stray));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED");
    assertLimitation(run.terminal(), stray);
    assertEquals(1, run.exit(), run::describe);
  }

  @Test
  void aBoundUdpSocketIsCaughtWhenUdpIsIncluded() throws Exception {
    int stray = FreePorts.any();

    Run run =
        run(
            List.of(
                "--enforce_container_ports",
                "--container_ports_include_udp",
                "--container_ports_watch_interval=200ms"),
            listen("--udp=" + stray));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED");
    assertLimitation(run.terminal(), stray);
    assertEquals(1, run.exit(), run::describe);
  }

  // --- Tasks the isolator leaves alone ---

  @Test
  void aTaskOnANamedNetworkIsIgnoredAndNotKilled() throws Exception {
    int stray = FreePorts.any();

    Run run =
        run(
            List.of(
                "--enforce_container_ports",
                "--task_networks=overlay",
                "--container_ports_watch_interval=100ms"),
            python(1.5, "tcp,0.0.0.0," + stray));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    assertEquals(0, run.exit(), run::describe);
    assertTrue(run.stderr().contains("has its own network namespace"), run::describe);
    assertFalse(run.stderr().contains(VIOLATION), run::describe);
  }

  @Test
  void withoutTheNetworkPortsIsolatorNothingIsScanned() throws Exception {
    int stray = FreePorts.any();

    Run run =
        run(
            List.of(
                "--isolation=posix/cpu,posix/mem",
                "--enforce_container_ports",
                "--container_ports_watch_interval=100ms"),
            python(0.5, "tcp,0.0.0.0," + stray));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    assertEquals(0, run.exit(), run::describe);
    assertFalse(run.stderr().contains(VIOLATION), run::describe);
    assertNoContainerCgroupLeft();
  }

  @Test
  void thePosixLauncherRunsTheTaskWithoutACgroup() throws Exception {
    Run run =
        run(
            List.of("--isolation=posix/cpu", "--launcher=posix"),
            List.of("sh", "-c", "echo to-stderr; exit 0"));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    assertEquals(0, run.exit(), run::describe);
    assertTrue(run.stderr().lines().anyMatch("to-stderr"::equals), run::describe);
    assertFalse(scratch.v2().map(Files::exists).orElse(false), "a cgroup root was made");
    assertFalse(scratch.freezer().map(Files::exists).orElse(false), "a cgroup root was made");
  }

  // --- Tasks that end by themselves ---

  @Test
  void aTaskThatExitsNonZeroFailsWithItsStatus() throws Exception {
    Run run = run(List.of(), List.of("sh", "-c", "echo output; exit 3"));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED");
    assertEquals(1, run.exit(), run::describe);
    assertEquals("Command exited with status 3", run.terminal().path("message").asText());
    assertFalse(run.terminal().has("reason"), run::describe);
    // The task's own output goes to standard error: standard output is status updates only.
    assertTrue(run.stderr().lines().anyMatch("output"::equals), run::describe);
    assertNoContainerCgroupLeft();
  }

  @Test
  void aCommandThatCannotBeFoundFailsWithStatus127() throws Exception {
    Run run = run(List.of(), List.of("no-such-command-" + System.nanoTime()));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED");
    assertEquals(1, run.exit(), run::describe);
    assertTrue(
        run.terminal().path("message").asText().startsWith("Command exited with status 127"),
        run::describe);
  }

  @Test
  void aDaemonLeftBehindByAFinishedTaskIsKilled() throws Exception {
    int port = FreePorts.any();
    String daemon = String.join(" ", quoted(python(600, "tcp,0.0.0.0," + port)));

    Run run =
        run(
            List.of("--task_resources=ports:[" + port + "-" + port + "]"),
            List.of("sh", "-c", "setsid " + daemon + " & sleep 1; exit 0"));

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    assertEquals(0, run.exit(), run::describe);
    assertPortClosed(port);
    assertNoContainerCgroupLeft();
  }

  // --- The task's user ---

  /** Prints what the task runs as: its ids and groups as the kernel holds them, and its caps. */
  private static final List<String> WHO_AM_I =
      List.of(
          "sh",
          "-c",
          "echo \"id $(id -u) $(id -g)\"; grep -E '^(Uid|Gid|Groups|Cap|NoNewPrivs)'"
              + " /proc/self/status");

  @ParameterizedTest(name = "--task_user={0}")
  @ValueSource(strings = {"nobody", "65534"})
  void aTaskWithAUserRunsAsThatUserWithNoCapabilities(String user) throws Exception {
    Run run = run(List.of("--task_user=" + user), WHO_AM_I);

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    assertEquals(0, run.exit(), run::describe);
    Map<String, String> status = taskStatus(run.stderr());
    assertEquals("65534\t65534\t65534\t65534", status.get("Uid"), run::describe);
    assertEquals("65534\t65534\t65534\t65534", status.get("Gid"), run::describe);
    assertEquals(groupsOf("nobody"), Set.of(status.get("Groups").split("\\s+")), run::describe);
    for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
      assertEquals("0000000000000000", status.get(set), () -> set + "\n" + run.describe());
    }
    assertEquals("1", status.get("NoNewPrivs"), "no set-user-id program gives uid 0 back");
    assertTrue(run.stderr().lines().anyMatch("id 65534 65534"::equals), run::describe);
    assertTrue(run.stderr().contains("as user nobody (uid 65534, gid 65534)"), run::describe);
    assertNoContainerCgroupLeft();
  }

  @Test
  void withoutATaskUserTheTaskRunsAsTheAgentsUser() throws Exception {
    Run run = run(List.of(), WHO_AM_I);

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    assertEquals("0\t0\t0\t0", taskStatus(run.stderr()).get("Uid"), run::describe);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--no-switch_user", "--switch_user=false"})
  void withSwitchUserOffTheTaskUserIsIgnoredAndSaidSo(String flag) throws Exception {
    Run run = run(List.of(flag, "--task_user=nobody"), WHO_AM_I);

    run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    assertEquals(0, run.exit(), run::describe);
    Map<String, String> status = taskStatus(run.stderr());
    assertEquals("0\t0\t0\t0", status.get("Uid"), run::describe);
    assertNotEquals("0000000000000000", status.get("CapEff"), run::describe);
    List<String> said =
        run.stderr()
            .lines()
            .filter(line -> line.contains("INFO") && line.contains("Not switching task"))
            .collect(Collectors.toList());
    assertEquals(1, said.size(), run::describe);
    assertTrue(said.get(0).contains("to user nobody: --switch_user is false"), said::toString);
  }

  @Test
  void anUnknownUserExitsWith2NamingTheFlagAndTheUserAndLaunchesNothing() throws Exception {
    String user = "no-such-user-" + ProcessHandle.current().pid();
    Path ran = tmp.resolve("ran");

    Run run = run(List.of("--task_user=" + user), List.of("touch", ran.toString()));

    assertFlagError(run, "--task_user=" + user);
    assertTrue(run.stderr().contains("no user named " + user), run::describe);
    assertFalse(Files.exists(ran), "the command ran");
  }

  /** The {@code Name:\tvalue} lines of {@code /proc/self/status} the task printed. */
  private static Map<String, String> taskStatus(String stderr) {
    Map<String, String> fields = new HashMap<>();
    stderr
        .lines()
        .filter(line -> line.matches("^(Uid|Gid|Groups|NoNewPrivs|Cap[A-Za-z]+):\t.*"))
        .forEach(
            line ->
                fields.put(
                    line.substring(0, line.indexOf(':')),
                    line.substring(line.indexOf(':') + 1).strip()));
    return fields;
  }

  /** The user's groups, as {@code id -G} has them from the host's database. */
  static Set<String> groupsOf(String user) throws IOException, InterruptedException {
    Process id = new ProcessBuilder("id", "-G", user).redirectErrorStream(true).start();
    String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(id.waitFor(30, TimeUnit.SECONDS), "id -G did not end");
    assertEquals(0, id.exitValue(), out);
    return Set.of(out.strip().split("\\s+"));
  }

  // --- Flag errors ---

  static Stream<Arguments> flagErrors() {
    return Stream.of(
        Arguments.of(
            List.of("--container_ports_watch_interval=0secs"), "--container_ports_watch_interval"),
        Arguments.of(
            List.of("--container_ports_isolated_range=[200-100]"),
            "--container_ports_isolated_range"),
        Arguments.of(
            List.of("--check_agent_port_range_only", "--container_ports_isolated_range=[1-2]"),
            "--check_agent_port_range_only"),
        Arguments.of(List.of("--launcher=posix"), "--launcher"),
        Arguments.of(List.of("--launcher=windows"), "--launcher"),
        Arguments.of(List.of("--enforce_container_ports=maybe"), "--enforce_container_ports"),
        Arguments.of(List.of("--no-enforce_container_ports=true"), "--no-enforce_container_ports"),
        Arguments.of(List.of("--resources=ports:[5-1]"), "--resources"),
        Arguments.of(List.of("--task_resources=ports:5"), "--task_resources"),
        Arguments.of(List.of("--task_id=a/b"), "--task_id"),
        Arguments.of(List.of("--task_networks=a,,b"), "--task_networks"),
        Arguments.of(List.of("--task_user=-root"), "--task_user"),
        Arguments.of(List.of("--task_user="), "--task_user"),
        Arguments.of(List.of("--no-switch_user=false"), "--no-switch_user"),
        Arguments.of(List.of("--switch_user=perhaps"), "--switch_user"),
        Arguments.of(List.of("--isolation="), "--isolation"),
        Arguments.of(List.of("--container_ports_grace_scans=0"), "--container_ports_grace_scans"),
        Arguments.of(List.of("--socket_source=nope"), "--socket_source"),
        Arguments.of(List.of("--bogus"), "--bogus"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flagErrors")
  void aBadFlagExitsWith2NamingTheFlagAndLaunchesNothing(List<String> flags, String named)
      throws Exception {
    Run run = run(flags, List.of("sh", "-c", "exit 0"));

    assertFlagError(run, named);
  }

  @Test
  void noCommandExitsWith2() throws Exception {
    Run run =
        runArgs(List.of("run", "--cgroups_root=" + scratch.name(), "--enforce_container_ports"));

    assertFlagError(run, "command");
  }

  private void assertFlagError(Run run, String named) throws IOException {
    assertEquals(2, run.exit(), run::describe);
    assertTrue(
        run.stdout().isEmpty(), () -> "status updates after a flag error:\n" + run.describe());
    List<String> messages =
        run.stderr()
            .lines()
            .filter(line -> !LOG_LINE.matcher(line).matches())
            .collect(Collectors.toList());
    assertEquals(1, messages.size(), () -> "not one line of error:\n" + run.describe());
    String message = messages.get(0);
    assertTrue(message.startsWith("run: "), message);
    assertTrue(message.contains(named), () -> "'" + named + "' not named in: " + message);
    assertFalse(message.contains("Exception"), message);
    assertFalse(run.stderr().contains("\tat "), () -> "a stack trace:\n" + run.describe());
    assertNoContainerCgroupLeft();
  }

  // --- Signals ---

  @Test
  void sigtermKillsTheTaskAndLeavesNoProcessOrCgroupBehind() throws Exception {
    int port = FreePorts.any();
    Path stdout = tmp.resolve("stdout");
    Path stderr = tmp.resolve("stderr");
    Process agent =
        start(
            List.of(
                "run",
                "--cgroups_root=" + scratch.name(),
                "--enforce_container_ports",
                "--container_ports_watch_interval=200ms",
                "--task_resources=ports:[" + port + "-" + port + "]",
                "--",
                "sh",
                "-c",
                // A shell with a child: the task is a tree, not one process.
                quote(PORTCULLIS.toString()) + " listen --tcp=" + port + " & wait"),
            stdout,
            stderr);
    try {
      JsonNode running = awaitUpdate(agent, stdout, stderr, "TASK_RUNNING");
      String container = running.path("container_id").path("value").asText();
      awaitListening(agent, port, stderr);
      Path cgroup = containerCgroup(container);
      Set<Long> pids = pids(cgroup);
      assertTrue(pids.size() >= 2, () -> "the task's processes: " + pids);

      agent.destroy(); // SIGTERM; the launcher execs java, so this is the agent's JVM
      assertTrue(agent.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "no exit after SIGTERM");

      Run run = new Run(agent.exitValue(), read(stdout), read(stderr));
      run.assertStates("TASK_STARTING", "TASK_RUNNING", "TASK_KILLED");
      assertEquals(1, run.exit(), run::describe);
      assertEquals("Killed by SIGTERM to portcullis run", run.terminal().path("message").asText());
      for (long pid : pids) {
        assertFalse(isRunning(pid), () -> "pid " + pid + " survived:\n" + run.describe());
      }
      assertFalse(Files.exists(cgroup), () -> cgroup + " is left:\n" + run.describe());
      assertPortClosed(port);
      assertNoContainerCgroupLeft();
    } finally {
      agent.destroyForcibly();
    }
  }

  // --- Helpers ---

  /** One finished run of {@code bin/portcullis}. */
  record Run(int exit, String stdout, String stderr) {

    List<JsonNode> updates() {
      return stdout.lines().map(RunCommandTest::parse).collect(Collectors.toList());
    }

    JsonNode terminal() {
      List<JsonNode> updates = updates();
      assertFalse(updates.isEmpty(), this::describe);
      return updates.get(updates.size() - 1);
    }

    void assertStates(String... states) {
      List<String> seen =
          updates().stream().map(u -> u.path("state").asText()).collect(Collectors.toList());
      assertEquals(List.of(states), seen, this::describe);
    }

    /** The number of scans the run reports it ran while the task ran; 0 if not reported. */
    long scans() {
      Matcher matcher = SCANS.matcher(stderr);
      return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    String describe() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not a JSON status update: " + line, e);
    }
  }

  private Run run(List<String> flags, List<String> command) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("run");
    args.add("--cgroups_root=" + scratch.name());
    args.addAll(flags);
    args.add("--");
    args.addAll(command);
    return runArgs(args);
  }

  private Run runArgs(List<String> args) throws Exception {
    Path stdout = Files.createTempFile(tmp, "stdout", ".txt");
    Path stderr = Files.createTempFile(tmp, "stderr", ".txt");
    Process process = start(args, stdout, stderr);
    try {
      if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
        fail("bin/portcullis " + args + " did not end within " + BOUND + "\n" + read(stderr));
      }
      return new Run(process.exitValue(), read(stdout), read(stderr));
    } finally {
      process.destroyForcibly();
    }
  }

  private static Process start(List<String> args, Path stdout, Path stderr) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(PORTCULLIS.toString());
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode awaitUpdate(Process agent, Path stdout, Path stderr, String state)
      throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> update =
          read(stdout)
              .lines()
              .map(RunCommandTest::parse)
              .filter(u -> u.path("state").asText().equals(state))
              .findFirst();
      if (update.isPresent()) {
        return update.get();
      }
      if (!agent.isAlive()) {
        fail("the agent ended before " + state + ":\n" + read(stdout) + read(stderr));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + state + " within " + BOUND + ":\n" + read(stderr));
  }

  /** Waits by connecting, which, unlike binding, cannot disturb the task's own bind. */
  private static void awaitListening(Process agent, int port, Path stderr)
      throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      if (accepts(port)) {
        return;
      }
      if (!agent.isAlive()) {
        fail("the agent ended before the task listened:\n" + read(stderr));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the task never listened on " + port + ":\n" + read(stderr));
  }

  /**
   * Whether the process exists and is not a zombie. A killed task's orphans are reaped by whatever
   * reaps orphans on this host, which may take a moment: a zombie runs no more.
   */
  private static boolean isRunning(long pid) throws IOException {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (NoSuchFileException gone) {
      return false;
    }
    char state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static void assertPortClosed(int port) {
    assertFalse(accepts(port), "something still listens on port " + port);
  }

  private static void assertLimitation(JsonNode update, int port) {
    JsonNode resources = update.path("limitation").path("resources");
    assertEquals(1, resources.size(), update::toString);
    JsonNode ports = resources.get(0);
    assertEquals("ports", ports.path("name").asText(), update::toString);
    assertEquals("RANGES", ports.path("type").asText(), update::toString);
    JsonNode ranges = ports.path("ranges").path("range");
    assertEquals(1, ranges.size(), update::toString);
    assertEquals(port, ranges.get(0).path("begin").asInt(), update::toString);
    assertEquals(port, ranges.get(0).path("end").asInt(), update::toString);
  }

  /** The container's cgroup in whichever hierarchy the tracker used. */
  private Path containerCgroup(String container) {
    for (Optional<Path> root : List.of(scratch.v2(), scratch.freezer())) {
      if (root.isPresent() && Files.isDirectory(root.get().resolve(container))) {
        return root.get().resolve(container);
      }
    }
    throw new AssertionError("no cgroup for container " + container + " under " + scratch.name());
  }

  private static Set<Long> pids(Path cgroup) throws IOException {
    return Files.readAllLines(cgroup.resolve("cgroup.procs")).stream()
        .filter(line -> !line.isBlank())
        .map(line -> Long.parseLong(line.strip()))
        .collect(Collectors.toSet());
  }

  /** Every container's cgroup is removed; the scratch root itself may remain. */
  private void assertNoContainerCgroupLeft() throws IOException {
    for (Optional<Path> root : List.of(scratch.v2(), scratch.freezer())) {
      if (root.isEmpty()) {
        continue;
      }
      try (Stream<Path> entries = Files.list(root.get())) {
        List<Path> left = entries.filter(Files::isDirectory).collect(Collectors.toList());
        assertTrue(left.isEmpty(), () -> "container cgroups left: " + left);
      } catch (NoSuchFileException never) {
        // The root was never made: nothing was created at all.
      }
    }
  }

  private static List<String> listen(String... flags) {
    List<String> command = new ArrayList<>(List.of(PORTCULLIS.toString(), "listen"));
    command.addAll(List.of(flags));
    return command;
  }

  private static List<String> python(double seconds, String... binds) {
    List<String> command = new ArrayList<>(List.of("python3", "-c", PYTHON_LISTENER));
    command.add(String.valueOf(seconds));
    command.addAll(List.of(binds));
    return command;
  }

  private static List<String> quoted(List<String> words) {
    return words.stream().map(RunCommandTest::quote).collect(Collectors.toList());
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      count++;
    }
    return count;
  }

  /** A free port in the range, from a random start so that concurrent runs rarely collide. */
  private static int freePortIn(int first, int last) {
    int size = last - first + 1;
    int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(size);
    for (int i = 0; i < size; i++) {
      int port = first + (start + i) % size;
      if (FreePorts.isFree(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + first + "-" + last);
  }

  private static int freePortOutside(int first, int last) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = FreePorts.any();
      if (port < first || port > last) {
        return port;
      }
    }
    throw new IllegalStateException("no free port outside " + first + "-" + last);
  }
}
