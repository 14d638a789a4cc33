package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/portcullis run --container_ports_guard=bpf} on the live kernel: a task's bind to a
 * port it was not allocated fails with {@code EPERM} at once, for every address shape; the task is
 * not killed for it; ports the guard leaves free bind; and what was refused is logged.
 */
@RequiresLinuxRoot
class PortGuardRunTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ScratchCgroups scratch;

  @BeforeEach
  void scratchRoot() {
    scratch = new ScratchCgroups();
  }

  @AfterEach
  void destroyScratchRoot() {
    scratch.close();
  }

  private AgentLauncher.Result run(List<String> flags, List<String> command) throws Exception {
    List<String> args = new ArrayList<>(List.of("run", "--cgroups_root=" + scratch.name()));
    args.add("--enforce_container_ports");
    args.add("--container_ports_guard=bpf");
    args.add("--container_ports_watch_interval=200ms");
    args.addAll(flags);
    args.add("--");
    args.addAll(command);
    return AgentLauncher.run(args.toArray(String[]::new));
  }

  /**
   * Each probe's result by its spec; the task prints them to its stdout, which run sends to stderr.
   */
  private static Map<String, String> results(AgentLauncher.Result result) {
    Map<String, String> results = new LinkedHashMap<>();
    for (BindProbe.Outcome outcome : BindProbe.outcomes(result.err())) {
      results.put(outcome.spec(), outcome.result());
    }
    return results;
  }

  private static List<String> states(AgentLauncher.Result result) throws Exception {
    List<String> states = new ArrayList<>();
    for (String line : result.out().split("\n")) {
      if (!line.isBlank()) {
        JsonNode update = JSON.readTree(line);
        states.add(update.path("state").asText());
      }
    }
    return states;
  }

  private static void assertFinished(AgentLauncher.Result result) throws Exception {
    assertEquals(
        List.of("TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"),
        states(result),
        result::toString);
    assertEquals(0, result.exit(), result::toString);
  }

  @Test
  void anUnallocatedPortIsRefusedForEveryAddressShapeAndTheTaskLivesOn() throws Exception {
    int allocated = FreePorts.tcp();
    int stray = FreePorts.tcp();
    String v4 = "tcp,0.0.0.0," + stray;
    String v6 = "tcp,::1," + stray + ",v6only";
    String dual = "tcp,::," + stray + ",dual";
    String mapped = "tcp,::ffff:127.0.0.1," + stray + ",dual";
    String picked = "tcp,0.0.0.0,0";
    String udp = "udp,0.0.0.0," + stray;
    String mine = "tcp,0.0.0.0," + allocated;

    AgentLauncher.Result result =
        run(
            List.of("--task_resources=ports:[" + allocated + "-" + allocated + "]"),
            BindProbe.command(1.5, mine, v4, v6, dual, mapped, picked, udp));

    assertFinished(result);
    Map<String, String> results = results(result);
    assertEquals("ok", results.get(mine), result::toString);
    for (String refused : List.of(v4, v6, dual, mapped)) {
      assertEquals("EPERM", results.get(refused), refused + "\n" + result);
    }
    // Every port is in scope here: whatever the kernel picks for bind(0) is unallocated.
    assertEquals("EPERM", results.get(picked), result::toString);
    // UDP is not guarded without --container_ports_include_udp.
    assertEquals("ok", results.get(udp), result::toString);
    assertTrue(
        result.err().contains("the guard refused 5 bind(s)"), () -> "no refusal logged\n" + result);
  }

  @Test
  void portsOutsideTheScopeBindAndUdpIsGuardedWithIncludeUdp() throws Exception {
    int allocated = FreePorts.tcp();
    int stray = FreePorts.tcp();
    int outside = FreePorts.tcp();
    String range = "[" + allocated + "-" + allocated + "," + stray + "-" + stray + "]";

    AgentLauncher.Result result =
        run(
            List.of(
                "--container_ports_isolated_range=" + range,
                "--container_ports_include_udp",
                "--task_resources=ports:[" + allocated + "-" + allocated + "]"),
            BindProbe.command(
                1.0,
                "tcp,0.0.0.0," + allocated,
                "tcp,0.0.0.0," + stray,
                "tcp,0.0.0.0," + outside,
                "tcp,0.0.0.0,0",
                "udp,0.0.0.0," + stray,
                "udp,0.0.0.0," + allocated));

    assertFinished(result);
    assertEquals(
        List.of("ok", "EPERM", "ok", "ok", "EPERM", "ok"),
        List.copyOf(results(result).values()),
        result::toString);
  }

  @Test
  void strictModeRefusesANamedUnallocatedPortOutsideTheAgentRangeButNotTheKernelsPick()
      throws Exception {
    int allocated = FreePorts.tcp();
    int agentOnly = FreePorts.tcp();
    int elsewhere = FreePorts.tcp();
    List<String> flags =
        List.of(
            "--check_agent_port_range_only",
            "--resources=ports:["
                + allocated
                + "-"
                + allocated
                + ","
                + agentOnly
                + "-"
                + agentOnly
                + "]",
            "--task_resources=ports:[" + allocated + "-" + allocated + "]");
    List<String> probe =
        BindProbe.command(
            1.0,
            "tcp,0.0.0.0," + allocated,
            "tcp,0.0.0.0," + agentOnly,
            "tcp,0.0.0.0," + elsewhere,
            "tcp,0.0.0.0,0");

    List<String> strict = new ArrayList<>(flags);
    strict.add("--container_ports_guard_mode=strict");
    AgentLauncher.Result strictRun = run(strict, probe);
    assertFinished(strictRun);
    assertEquals(
        List.of("ok", "EPERM", "EPERM", "ok"),
        List.copyOf(results(strictRun).values()),
        strictRun::toString);

    AgentLauncher.Result scopeRun = run(flags, probe);
    assertFinished(scopeRun);
    assertEquals(
        List.of("ok", "EPERM", "ok", "ok"),
        List.copyOf(results(scopeRun).values()),
        scopeRun::toString);
  }

  @Test
  void aGuardThatDoesNotExistIsAStartUpErrorThatListsWhatWasFound() throws Exception {
    AgentLauncher.Result result =
        AgentLauncher.run(
            "run",
            "--cgroups_root=" + scratch.name(),
            "--container_ports_guard=nonesuch",
            "--",
            "true");
    assertEquals(2, result.exit(), result::toString);
    List<String> errors = result.errorLines();
    assertEquals(1, errors.size(), result::toString);
    assertTrue(errors.get(0).contains("--container_ports_guard=nonesuch"), result::toString);
    assertTrue(errors.get(0).contains("bpf"), () -> "the message lists the bpf guard\n" + result);
    assertEquals("", result.out(), "nothing was launched");
  }

  /** Listens on a socket it never bound: the kernel picks the port, and no bind check runs. */
  private static final List<String> UNBOUND_LISTENER =
      List.of(
          "python3",
          "-c",
          "import socket, time\n"
              + "s = socket.socket()\n"
              + "s.listen()\n"
              + "print('listening on', s.getsockname()[1], flush=True)\n"
              + "time.sleep(30)\n");

  private static boolean listened(AgentLauncher.Result result) {
    return result.err().lines().anyMatch(line -> line.matches("listening on \\d+"));
  }

  @Test
  void aListenerOnAPortNoBindCheckSawIsStoppedAtOnceWhereTheKernelAllows() throws Exception {
    AgentLauncher.Result result = run(List.of("--task_resources=ports:[]"), UNBOUND_LISTENER);
    assumeTrue(
        result.err().contains("no bind check saw is stopped at once"),
        "this kernel cannot run the guard's listen check; the scan path is tested below");
    assertEquals(
        List.of("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED"), states(result), result::toString);
    assertFalse(listened(result), () -> "the listener ran on\n" + result);
    assertTrue(result.err().contains("stopped 1 listener(s)"), result::toString);
    // Reported as the limitation it is, naming the port the kernel picked.
    JsonNode failed = JSON.readTree(result.out().lines().reduce((a, b) -> b).orElseThrow());
    assertEquals("REASON_CONTAINER_LIMITATION", failed.path("reason").asText(), result::toString);
    assertTrue(
        failed.path("message").asText().endsWith("(its port guard stopped the listener)"),
        result::toString);
    JsonNode range =
        failed.path("limitation").path("resources").get(0).path("ranges").path("range").get(0);
    int port = range.path("begin").asInt();
    assertEquals(port, range.path("end").asInt(), result::toString);
    assertTrue(port >= 1024, () -> "a port the kernel picked: " + port);
  }

  @Test
  void withoutTheListenCheckTheScanCatchesAListenerOnAPortNoBindCheckSaw() throws Exception {
    AgentLauncher.Result result =
        run(
            List.of("--task_resources=ports:[]", "--no-container_ports_guard_stop_listeners"),
            UNBOUND_LISTENER);
    assertTrue(result.err().contains("no bind check saw is left to the scans"), result::toString);
    assertEquals(
        List.of("TASK_STARTING", "TASK_RUNNING", "TASK_FAILED"), states(result), result::toString);
    JsonNode failed = JSON.readTree(result.out().lines().reduce((a, b) -> b).orElseThrow());
    assertEquals("REASON_CONTAINER_LIMITATION", failed.path("reason").asText(), result::toString);
    assertTrue(listened(result), result::toString);
  }

  @Test
  void theV1TrackerIsGuardedThroughTheUnifiedHierarchyToo() throws Exception {
    int allocated = FreePorts.tcp();
    int stray = FreePorts.tcp();
    AgentLauncher.Result result =
        run(
            List.of(
                "--process_tracker=cgroups-v1",
                "--task_resources=ports:[" + allocated + "-" + allocated + "]"),
            BindProbe.command(0.5, "tcp,0.0.0.0," + allocated, "tcp,0.0.0.0," + stray));
    assertFinished(result);
    assertEquals(List.of("ok", "EPERM"), List.copyOf(results(result).values()), result::toString);
  }
}
