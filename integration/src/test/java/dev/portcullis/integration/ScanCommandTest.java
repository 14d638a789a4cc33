package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelector;
import dev.portcullis.integration.AgentLauncher.Result;
import dev.portcullis.integration.RealHost.Stack;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.Listener;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import dev.portcullis.testkit.linux.TestProcesses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code bin/portcullis scan} end to end: the real launcher on the live host, with one listener in
 * a nested container created through the real tracker and one outside every container.
 */
@RequiresLinuxRoot
class ScanCommandTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final ContainerId TASK = EXECUTOR.child("task");

  static Stream<Stack> stacks() {
    return RealHost.stacks().stream();
  }

  /**
   * A scratch cgroup root with the container {@code executor.task}, a listener in it (TCP {@link
   * #tcpIn}, UDP {@link #udpIn}, both on 0.0.0.0) and one outside (dual-stack TCP {@link #tcpOut});
   * all killed and removed on close.
   */
  private static final class Scene implements AutoCloseable {
    final ScratchCgroups scratch = new ScratchCgroups();
    final List<Listener> listeners = new ArrayList<>();
    final Stack stack;
    final ProcessTracker tracker;
    final int tcpIn = FreePorts.any();
    final int udpIn = FreePorts.any();
    final int tcpOut = FreePorts.any();
    final Listener inside;
    final Listener outside;

    Scene(Stack stack) throws IOException {
      this.stack = stack;
      try {
        tracker =
            ProviderSelector.select(
                    ProcessTracker.class,
                    Optional.of(stack.tracker()),
                    ProviderSettings.empty().with("cgroups_root", scratch.name()),
                    ProviderLoader.serviceLoader())
                .provider();
        tracker.create(EXECUTOR);
        tracker.create(TASK);
        inside =
            TestProcesses.startIn(
                tracker, TASK, Listener.builder().tcp4("0.0.0.0", tcpIn).udp4("0.0.0.0", udpIn));
        listeners.add(inside);
        outside = Listener.builder().tcp6("::", tcpOut, false).start();
        listeners.add(outside);
      } catch (IOException | RuntimeException | Error e) {
        close();
        throw e;
      }
    }

    /** {@code bin/portcullis scan} with this scene's stack and root, then {@code args}. */
    Result scan(String... args) throws IOException, InterruptedException {
      List<String> all =
          new ArrayList<>(
              List.of(
                  "scan",
                  "--socket_source=" + stack.source(),
                  "--process_tracker=" + stack.tracker(),
                  "--cgroups_root=" + scratch.name()));
      all.addAll(List.of(args));
      return AgentLauncher.run(all.toArray(String[]::new));
    }

    @Override
    public void close() {
      try {
        listeners.forEach(Listener::close);
      } finally {
        scratch.close();
      }
    }
  }

  /** The table's rows, each split into its five columns; the header is checked and dropped. */
  private static List<List<String>> rows(Result result) {
    List<String> lines = result.out().lines().toList();
    assertFalse(lines.isEmpty(), result::toString);
    assertEquals(
        List.of("PROTO", "ADDRESS:PORT", "INODE", "CONTAINER", "PIDS"),
        Arrays.asList(lines.get(0).split("\\s+")),
        result::toString);
    List<List<String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> row = Arrays.asList(line.split("\\s+"));
      assertEquals(5, row.size(), () -> "row '" + line + "' in " + result);
      rows.add(row);
    }
    return rows;
  }

  private static Optional<List<String>> row(List<List<String>> rows, String proto, String at) {
    return rows.stream().filter(r -> r.get(0).equals(proto) && r.get(1).equals(at)).findFirst();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void theTableShowsTheContainerAndPidsOfEachSocket(Stack stack) throws Exception {
    try (Scene scene = new Scene(stack)) {
      Result result = scene.scan();
      assertEquals(0, result.exit(), result::toString);
      List<List<String>> rows = rows(result);

      List<String> in =
          row(rows, "tcp", "0.0.0.0:" + scene.tcpIn)
              .orElseThrow(() -> new AssertionError("no container's socket in " + result));
      assertEquals("executor.task", in.get(3), "the deepest container");
      assertEquals(Long.toString(scene.inside.pid()), in.get(4));
      assertTrue(Long.parseLong(in.get(2)) > 0);

      List<String> out =
          row(rows, "tcp", "[::]:" + scene.tcpOut)
              .orElseThrow(() -> new AssertionError("no host's socket in " + result));
      assertEquals("-", out.get(3), "in no container");
      assertEquals(Long.toString(scene.outside.pid()), out.get(4));

      assertTrue(rows.stream().noneMatch(r -> r.get(0).equals("udp")), result::toString);
      List<String> sorted = new ArrayList<>(rows.stream().map(r -> r.get(0)).toList());
      sorted.sort(null);
      assertEquals(sorted, rows.stream().map(r -> r.get(0)).toList(), "by protocol first");
    }
  }

  @Test
  void udpSocketsOnlyWithTheFlag() throws Exception {
    try (Scene scene = new Scene(new Stack("netlink", "cgroups-v2"))) {
      for (String off :
          List.of("--container_ports_include_udp=false", "--no-container_ports_include_udp")) {
        Result without = scene.scan(off);
        assertEquals(0, without.exit(), without::toString);
        assertTrue(
            rows(without).stream().noneMatch(r -> r.get(0).equals("udp")), without::toString);
      }
      for (String on :
          List.of("--container_ports_include_udp", "--container_ports_include_udp=true")) {
        Result with = scene.scan(on);
        assertEquals(0, with.exit(), with::toString);
        List<List<String>> rows = rows(with);
        List<String> udp =
            row(rows, "udp", "0.0.0.0:" + scene.udpIn)
                .orElseThrow(
                    () -> new AssertionError("no row for the container's UDP socket in " + with));
        assertEquals("executor.task", udp.get(3));
        assertEquals(Long.toString(scene.inside.pid()), udp.get(4));
        assertTrue(row(rows, "tcp", "0.0.0.0:" + scene.tcpIn).isPresent(), "TCP is still shown");
        List<String> protocols = rows.stream().map(r -> r.get(0)).toList();
        assertEquals(protocols.lastIndexOf("tcp") + 1, protocols.indexOf("udp"), "TCP before UDP");
      }
    }
  }

  static Stream<Stack> jsonStacks() {
    return Stream.of(new Stack("netlink", "cgroups-v2"), new Stack("procfs", "cgroups-v1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonStacks")
  void theJsonDocumentSaysWhatTheTableSays(Stack stack) throws Exception {
    try (Scene scene = new Scene(stack)) {
      Result json = scene.scan("--format=json", "--container_ports_include_udp");
      assertEquals(0, json.exit(), json::toString);
      JsonNode document = new ObjectMapper().readTree(json.out());
      JsonNode sockets = document.get("sockets");
      assertTrue(sockets.isArray(), json::toString);

      JsonNode in = find(sockets, "tcp", scene.tcpIn);
      assertEquals("ipv4", in.get("family").asText());
      assertEquals("0.0.0.0", in.get("address").asText());
      assertEquals("executor.task", in.get("container").asText());
      assertEquals(List.of(scene.inside.pid()), pids(in));
      assertEquals(0, in.get("uid").asLong(), "the test runs as root");
      if (stack.source().equals("netlink")) {
        long cgroupId = in.get("cgroup_id").asLong();
        assertTrue(
            scene.tracker.reportsCgroupIds()
                ? scene.tracker.cgroupIds(TASK).contains(cgroupId)
                : cgroupId > 0,
            "created in the task's cgroup: " + in);
      } else {
        assertFalse(in.has("cgroup_id"), "procfs knows no cgroup ids: " + in);
      }

      JsonNode udp = find(sockets, "udp", scene.udpIn);
      assertEquals("executor.task", udp.get("container").asText());
      assertEquals(List.of(scene.inside.pid()), pids(udp));

      JsonNode out = find(sockets, "tcp", scene.tcpOut);
      assertEquals("ipv6", out.get("family").asText());
      assertEquals("::", out.get("address").asText());
      assertTrue(out.get("container").isNull(), out::toString);
      assertEquals(List.of(scene.outside.pid()), pids(out));

      Result table = scene.scan();
      List<List<String>> rows = rows(table);
      assertEquals(
          in.get("inode").asText(),
          row(rows, "tcp", "0.0.0.0:" + scene.tcpIn).orElseThrow().get(2),
          "the same socket in both");
      assertEquals(
          out.get("inode").asText(), row(rows, "tcp", "[::]:" + scene.tcpOut).orElseThrow().get(2));
    }
  }

  private static JsonNode find(JsonNode sockets, String protocol, int port) {
    for (JsonNode socket : sockets) {
      if (socket.get("protocol").asText().equals(protocol) && socket.get("port").asInt() == port) {
        return socket;
      }
    }
    throw new AssertionError("no " + protocol + " socket on port " + port + " in " + sockets);
  }

  private static List<Long> pids(JsonNode socket) {
    List<Long> pids = new ArrayList<>();
    socket.get("pids").forEach(pid -> pids.add(pid.asLong()));
    return pids;
  }

  @Test
  void anUnknownFormatIsAUsageErrorOnOneLineNamingTheFlag() throws Exception {
    Result result = AgentLauncher.run("scan", "--format=xml");
    assertEquals(2, result.exit(), result::toString);
    assertEquals("", result.out(), result::toString);
    assertEquals(1, result.errorLines().size(), result::toString);
    assertTrue(result.errorLines().get(0).startsWith("scan: "), result::toString);
    assertTrue(result.errorLines().get(0).contains("--format"), result::toString);
    assertTrue(result.errorLines().get(0).contains("xml"), result::toString);
  }

  @Test
  void anUnknownProviderIsAUsageErrorOnOneLine() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      Result result =
          AgentLauncher.run("scan", "--socket_source=nope", "--cgroups_root=" + scratch.name());
      assertEquals(2, result.exit(), result::toString);
      assertEquals("", result.out(), result::toString);
      assertEquals(1, result.errorLines().size(), result::toString);
      assertTrue(result.errorLines().get(0).contains("'nope'"), result::toString);
    }
  }
}
