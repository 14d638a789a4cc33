package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with {@code --container_ports_guard=bpf}: the guard follows allocation updates at the
 * next bind, keeps refusing while the agent is dead, is found again (never doubled) by every
 * restart, and is gone with its executor, programs and map included.
 */
@RequiresLinuxRoot
class PortGuardDaemonTest {

  /**
   * Tries to bind and listen on each port given, every 50 ms, until it holds them all, printing
   * {@code port P RESULT} whenever a port's result changes; never exits by itself.
   */
  private static final String PROBER =
      String.join(
          "\n",
          "import errno, socket, sys, time",
          "ports = [int(p) for p in sys.argv[1:]]",
          "state, held = {}, {}",
          "while True:",
          "    for p in ports:",
          "        if p in held:",
          "            continue",
          "        s = socket.socket()",
          "        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
          "        try:",
          "            s.bind(('0.0.0.0', p))",
          "            s.listen()",
          "            held[p] = s",
          "            r = 'ok'",
          "        except OSError as e:",
          "            s.close()",
          "            r = errno.errorcode.get(e.errno, str(e.errno))",
          "        if state.get(p) != r:",
          "            state[p] = r",
          "            print('port', p, r, flush=True)",
          "    time.sleep(0.05)");

  /** How long an allowed port may take to bind after the update that allows it. */
  private static final Duration NEXT_BIND = Duration.ofSeconds(5);

  private static final int RESTARTS = 3;

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

  private DaemonProcess agent() throws InterruptedException {
    DaemonProcess daemon =
        DaemonProcess.start(
            List.of(
                "--work_dir=" + workDir,
                "--cgroups_root=" + scratch.name(),
                "--container_ports_watch_interval=200ms",
                "--enforce_container_ports",
                "--container_ports_guard=bpf"));
    daemons.add(daemon);
    return daemon;
  }

  private static String launch(String executorId, String resources, List<String> command) {
    ObjectNode body = DaemonProcess.JSON.createObjectNode();
    body.put("executor_id", executorId);
    body.put("resources", resources);
    ObjectNode task = body.putArray("tasks").addObject();
    task.put("task_id", "prober");
    ArrayNode argv = task.putArray("command");
    command.forEach(argv::add);
    return body.toString();
  }

  private static String ports(int... ports) {
    StringBuilder text = new StringBuilder("ports:[");
    for (int i = 0; i < ports.length; i++) {
      text.append(i == 0 ? "" : ",").append(ports[i]).append('-').append(ports[i]);
    }
    return text.append(']').toString();
  }

  private static List<String> prober(int... ports) {
    List<String> command = new ArrayList<>(List.of("python3", "-c", PROBER));
    for (int port : ports) {
      command.add(Integer.toString(port));
    }
    return command;
  }

  private static String output(Path sandbox) throws IOException {
    try {
      return Files.readString(sandbox.resolve("stdout"));
    } catch (NoSuchFileException e) {
      return "";
    }
  }

  private static void awaitLine(Path sandbox, String line, Duration bound) throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!output(sandbox).lines().anyMatch(line::equals)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no line '" + line + "' within " + bound + ":\n" + output(sandbox));
      }
      Thread.sleep(20);
    }
  }

  /** One program per hook the guard uses, all attached once, sharing one map. */
  private static BpfObjects.Attached assertOneSet(Path cgroup) throws Exception {
    BpfObjects.Attached attached = BpfObjects.query(cgroup);
    assertTrue(attached.programs().size() >= 4, () -> "the four bind hooks at least: " + attached);
    assertEquals(
        attached.attachTypes().size(),
        new HashSet<>(attached.attachTypes()).size(),
        () -> "a hook attached twice: " + attached);
    assertTrue(attached.attachTypes().containsAll(List.of(8, 9, 12, 13)), attached::toString);
    assertEquals(1, attached.maps().size(), () -> "one shared map: " + attached);
    return attached;
  }

  @Test
  void theGuardFollowsUpdatesOutlivesCrashesIsFoundAgainAndGoesWithItsExecutor() throws Exception {
    int allocated = FreePorts.tcp();
    int later = FreePorts.tcp();
    int last = FreePorts.tcp();
    DaemonProcess agent = agent();
    JsonNode launched =
        agent
            .post(
                "/v1/executors",
                launch("guarded", ports(allocated), prober(allocated, later, last)))
            .expect(201)
            .body();
    Path sandbox = Path.of(DaemonProcess.task(launched, "prober").path("sandbox").asText());
    Path cgroup = scratch.v2().orElseThrow().resolve(launched.path("container_id").asText());
    awaitLine(sandbox, "port " + allocated + " ok", DaemonProcess.BOUND);
    awaitLine(sandbox, "port " + later + " EPERM", DaemonProcess.BOUND);
    awaitLine(sandbox, "port " + last + " EPERM", DaemonProcess.BOUND);

    // The update reaches the kernel before the API answers: the prober's next try binds.
    agent
        .put(
            "/v1/executors/guarded/resources",
            "{\"resources\":\"" + ports(allocated, later) + "\"}")
        .expect(200);
    awaitLine(sandbox, "port " + later + " ok", NEXT_BIND);

    JsonNode seen =
        agent.awaitExecutor(
            "guarded",
            "reported refusals",
            view -> view.path("guard").path("refused_binds").asLong() > 0);
    assertTrue(
        seen.path("guard").path("refused_ports").asText().contains(last + "-" + last),
        seen::toString);
    assertTrue(
        agent
            .metrics()
            .lines()
            .anyMatch(l -> l.matches("portcullis_guard_refusals_total\\{kind=\"bind\"\\} [1-9].*")),
        agent::metrics);
    assertTrue(
        agent.metrics().lines().anyMatch("portcullis_guarded_containers 1"::equals),
        agent::metrics);
    BpfObjects.Attached guard = assertOneSet(cgroup);

    for (int restart = 1; restart <= RESTARTS; restart++) {
      agent.crash();
      // Nobody is enforcing from user space now: only the kernel's guard stands.
      Thread.sleep(500);
      assertFalse(
          output(sandbox).contains("port " + last + " ok"),
          "the prober bound a refused port while the agent was down");
      agent = agent();
      assertEquals(guard, assertOneSet(cgroup), "restart " + restart + " changed the guard");
    }

    agent
        .put(
            "/v1/executors/guarded/resources",
            "{\"resources\":\"" + ports(allocated, later, last) + "\"}")
        .expect(200);
    awaitLine(sandbox, "port " + last + " ok", NEXT_BIND);

    agent.delete("/v1/executors/guarded").expect(200);
    agent.awaitExecutor(
        "guarded", "terminated", view -> view.path("state").asText().equals("TERMINATED"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!BpfObjects.alive("prog", guard.programs()).isEmpty()
        || !BpfObjects.alive("map", guard.maps()).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "programs "
                + BpfObjects.alive("prog", guard.programs())
                + " and maps "
                + BpfObjects.alive("map", guard.maps())
                + " outlived their executor");
      }
      Thread.sleep(50);
    }
    assertFalse(Files.exists(cgroup), "the executor's cgroup is gone");
  }

  @Test
  void aRestartRepairsAGuardThatWasDamagedWhileTheAgentWasDown() throws Exception {
    int allocated = FreePorts.tcp();
    int stray = FreePorts.tcp();
    DaemonProcess agent = agent();
    JsonNode launched =
        agent
            .post("/v1/executors", launch("damaged", ports(allocated), prober(allocated, stray)))
            .expect(201)
            .body();
    Path sandbox = Path.of(DaemonProcess.task(launched, "prober").path("sandbox").asText());
    Path cgroup = scratch.v2().orElseThrow().resolve(launched.path("container_id").asText());
    awaitLine(sandbox, "port " + stray + " EPERM", DaemonProcess.BOUND);
    BpfObjects.Attached before = assertOneSet(cgroup);

    agent.crash();
    // The IPv4 bind check goes; the post-bind check still refuses what it names.
    int bind4 = before.attachTypes().indexOf(8);
    BpfObjects.detach(cgroup, before.programs().get(bind4), 8);
    assertFalse(BpfObjects.query(cgroup).attachTypes().contains(8), "the bind check is gone");

    agent = agent();
    BpfObjects.Attached repaired = assertOneSet(cgroup);
    assertTrue(
        java.util.Collections.disjoint(before.programs(), repaired.programs()),
        () -> "the damaged guard was installed afresh: " + before + " then " + repaired);
    assertFalse(output(sandbox).contains("port " + stray + " ok"), () -> sandboxText(sandbox));
    agent
        .put(
            "/v1/executors/damaged/resources",
            "{\"resources\":\"" + ports(allocated, stray) + "\"}")
        .expect(200);
    awaitLine(sandbox, "port " + stray + " ok", NEXT_BIND);
  }

  @Test
  void aListenerTheGuardStopsFailsItsWholeGroupWithTheLimitation() throws Exception {
    DaemonProcess agent = agent();
    ObjectNode body = DaemonProcess.JSON.createObjectNode();
    body.put("executor_id", "stopped");
    body.put("resources", "ports:[]");
    ArrayNode tasks = body.putArray("tasks");
    ObjectNode listener = tasks.addObject();
    listener.put("task_id", "unbound");
    listener.put(
        "command",
        "python3 -c 'import socket, time; s = socket.socket(); s.listen(); time.sleep(60)'");
    ObjectNode sleeper = tasks.addObject();
    sleeper.put("task_id", "sibling");
    sleeper.put("command", "sleep 60");
    DaemonProcess.Events events = agent.events();
    agent.post("/v1/executors", body.toString()).expect(201);
    JsonNode view =
        agent.awaitExecutor(
            "stopped", "terminated", e -> e.path("state").asText().equals("TERMINATED"));
    assertEquals(1, view.path("guard").path("stopped_listeners").asLong(), view::toString);
    for (String taskId : List.of("unbound", "sibling")) {
      JsonNode status = DaemonProcess.task(view, taskId).path("status");
      assertEquals("TASK_FAILED", status.path("state").asText(), status::toString);
      assertEquals("REASON_CONTAINER_LIMITATION", status.path("reason").asText(), status::toString);
      assertTrue(
          status.path("message").asText().endsWith("(its port guard stopped the listener)"),
          status::toString);
    }
    List<JsonNode> updates = events.next(6);
    assertEquals(
        2,
        updates.stream()
            .filter(u -> u.path("reason").asText().equals("REASON_CONTAINER_LIMITATION"))
            .count(),
        updates::toString);
  }

  /**
   * Run as the task's user: tries the unallocated port, tries to leave its cgroup for the
   * hierarchy's root and for the agent's root, waits for the file {@code ids} (its guard's program
   * and map ids, written by the test), tries to open each, and tries the port again; prints each
   * outcome and sleeps.
   */
  private static final String ESCAPE =
      String.join(
          "\n",
          "import ctypes, errno, os, socket, sys, time",
          "port, mount, agent_root = int(sys.argv[1]), sys.argv[2], sys.argv[3]",
          "def out(*words):",
          "    print(*words, flush=True)",
          "def bind(label):",
          "    s = socket.socket()",
          "    try:",
          "        s.bind(('0.0.0.0', port)); out(label, 'ok')",
          "    except OSError as e:",
          "        out(label, errno.errorcode[e.errno])",
          "bind('bind')",
          "for name, target in (('root', mount), ('agent', agent_root)):",
          "    try:",
          "        with open(os.path.join(target, 'cgroup.procs'), 'w') as procs:",
          "            procs.write(str(os.getpid()))",
          "        out('move', name, 'ok')",
          "    except OSError as e:",
          "        out('move', name, errno.errorcode[e.errno])",
          "while not os.path.exists('ids'):",
          "    time.sleep(0.05)",
          "libc = ctypes.CDLL(None, use_errno=True)",
          "for word in open('ids').read().split():",
          "    kind, number = word.split(':')",
          "    attr = (ctypes.c_ubyte * 144)()",
          "    ctypes.memmove(attr, int(number).to_bytes(4, 'little'), 4)",
          "    cmd = 13 if kind == 'prog' else 14",
          "    r = libc.syscall(321, ctypes.c_int(cmd), ctypes.byref(attr), ctypes.c_uint(144))",
          "    out('open', kind, 'ok' if r >= 0 else errno.errorcode[ctypes.get_errno()])",
          "bind('bind again')",
          "time.sleep(600)");

  @Test
  void aTaskRunningAsNobodyCannotLeaveItsCgroupNorTouchItsGuard() throws Exception {
    int allocated = FreePorts.tcp();
    int stray = FreePorts.tcp();
    DaemonProcess agent = agent();
    ObjectNode body = DaemonProcess.JSON.createObjectNode();
    body.put("executor_id", "unprivileged");
    body.put("resources", ports(allocated));
    ObjectNode task = body.putArray("tasks").addObject();
    task.put("task_id", "escaper");
    task.put("user", "nobody");
    ArrayNode argv = task.putArray("command");
    Path mount = scratch.v2Mount().orElseThrow();
    for (String word :
        List.of(
            // Not the first python3 on the agent's PATH, which may live in root's home.
            "/usr/bin/python3",
            "-c",
            ESCAPE,
            Integer.toString(stray),
            mount.toString(),
            scratch.v2().orElseThrow().toString())) {
      argv.add(word);
    }
    JsonNode launched = agent.post("/v1/executors", body.toString()).expect(201).body();
    Path sandbox = Path.of(DaemonProcess.task(launched, "escaper").path("sandbox").asText());
    Path cgroup = scratch.v2().orElseThrow().resolve(launched.path("container_id").asText());
    awaitLine(sandbox, "bind EPERM", DaemonProcess.BOUND);
    for (String target : List.of("root", "agent")) {
      long deadline = System.nanoTime() + DaemonProcess.BOUND.toNanos();
      while (!output(sandbox).contains("move " + target + " ")) {
        assertTrue(System.nanoTime() < deadline, () -> "no move attempt:\n" + sandboxText(sandbox));
        Thread.sleep(20);
      }
      assertFalse(output(sandbox).contains("move " + target + " ok"), () -> sandboxText(sandbox));
    }

    BpfObjects.Attached guard = assertOneSet(cgroup);
    StringBuilder ids = new StringBuilder();
    guard.programs().forEach(id -> ids.append("prog:").append(id).append(' '));
    guard.maps().forEach(id -> ids.append("map:").append(id).append(' '));
    Path idsFile = sandbox.resolve("ids");
    Files.writeString(sandbox.resolve("ids.tmp"), ids.toString());
    Files.move(sandbox.resolve("ids.tmp"), idsFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    awaitLine(sandbox, "bind again EPERM", DaemonProcess.BOUND);
    List<String> opens = output(sandbox).lines().filter(line -> line.startsWith("open ")).toList();
    assertEquals(
        guard.programs().size() + guard.maps().size(), opens.size(), () -> sandboxText(sandbox));
    for (String line : opens) {
      assertTrue(line.endsWith(" EPERM"), () -> "the task opened its guard: " + line);
    }
    assertEquals(guard, assertOneSet(cgroup), "the guard is as it was");
  }

  private static String sandboxText(Path sandbox) {
    try {
      return output(sandbox);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
