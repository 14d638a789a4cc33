package dev.portcullis.agent.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.agent.host.TaskUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code config.json} of a task's bundle, read back as the runtime would read it. */
class OciBundleTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Path ROOTFS = Path.of("/srv/images/alpine");
  private static final Path SANDBOX = Path.of("/var/lib/portcullis/sandboxes/e1/web");
  private static final String CGROUP = "/portcullis/8e0c0f5c-1d7b-4a43-a6c6-3ad8d4e0e3a1";
  private static final List<String> COMMAND = List.of("/bin/sh", "-c", "exec httpd -f -p 31000");

  /** As the sandbox launcher gives them: a map whose order is no order. */
  private static final Map<String, String> AGENT_ENV =
      Map.of(
          "PORTCULLIS_SANDBOX", OciContainer.SANDBOX_MOUNT,
          "PORTCULLIS_EXECUTOR_ID", "e1",
          "PORTCULLIS_TASK_ID", "web",
          "PORTCULLIS_ALLOCATED_PORTS", "[31000-31000]");

  private static final TaskUser NOBODY = new TaskUser("nobody", 65534, 65533);

  @TempDir Path bundle;

  private static OciContainer container() {
    return new OciContainer(ROOTFS, false, Map.of(), Optional.empty(), Optional.empty());
  }

  private JsonNode write(OciContainer container, Optional<TaskUser> user) throws IOException {
    OciBundle.write(bundle, container, COMMAND, user, AGENT_ENV, SANDBOX, CGROUP);
    return JSON.readTree(bundle.resolve(OciBundle.CONFIG).toFile());
  }

  private JsonNode write(OciContainer container) throws IOException {
    return write(container, Optional.empty());
  }

  private static List<String> strings(JsonNode array) {
    assertTrue(array.isArray(), array::toString);
    List<String> strings = new ArrayList<>();
    array.forEach(node -> strings.add(node.textValue()));
    return strings;
  }

  /** The mount at {@code destination}; fails unless there is exactly one. */
  private static JsonNode mount(JsonNode config, String destination) {
    List<JsonNode> found = new ArrayList<>();
    config
        .path("mounts")
        .forEach(
            m -> {
              if (m.path("destination").asText().equals(destination)) {
                found.add(m);
              }
            });
    assertEquals(1, found.size(), () -> "mounts at " + destination + " in " + config);
    return found.get(0);
  }

  @Test
  void theBundleHoldsOnlyItsConfig() throws IOException {
    write(container());
    try (var files = Files.list(bundle)) {
      assertEquals(List.of(bundle.resolve(OciBundle.CONFIG)), files.toList());
    }
  }

  @Test
  void aSecondWriteReplacesTheFirstWhole() throws IOException {
    write(
        new OciContainer(ROOTFS, true, Map.of("A", "1"), Optional.of("/srv"), Optional.of("box")));
    JsonNode config = write(container());
    assertTrue(config.path("root").path("readonly").booleanValue());
    assertFalse(config.has("hostname"));
    assertEquals(OciContainer.SANDBOX_MOUNT, config.path("process").path("cwd").textValue());
    try (var files = Files.list(bundle)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void theContainerHasNoNetworkNamespaceOfItsOwn() throws IOException {
    JsonNode linux = write(container()).path("linux");
    Set<String> types = new TreeSet<>();
    linux.path("namespaces").forEach(namespace -> types.add(namespace.path("type").textValue()));
    assertEquals(new TreeSet<>(List.of("ipc", "mount", "pid", "uts")), types);
    assertEquals(4, linux.path("namespaces").size(), "each once");
    linux.path("namespaces").forEach(namespace -> assertFalse(namespace.has("path")));
  }

  @Test
  void theCgroupsPathIsTheTasksCgroupAsGiven() throws IOException {
    assertEquals(CGROUP, write(container()).path("linux").path("cgroupsPath").textValue());
    String nested = CGROUP + "/mesos/3c1f";
    OciBundle.write(bundle, container(), COMMAND, Optional.empty(), AGENT_ENV, SANDBOX, nested);
    JsonNode config = JSON.readTree(bundle.resolve(OciBundle.CONFIG).toFile());
    assertEquals(nested, config.path("linux").path("cgroupsPath").textValue());
  }

  @Test
  void theRootIsTheRootfsWhereItIsReadOnlyUnlessWritable() throws IOException {
    JsonNode root = write(container()).path("root");
    assertEquals(ROOTFS.toString(), root.path("path").textValue());
    assertTrue(root.path("readonly").isBoolean());
    assertTrue(root.path("readonly").booleanValue());

    OciContainer writable =
        new OciContainer(ROOTFS, true, Map.of(), Optional.empty(), Optional.empty());
    root = write(writable).path("root");
    assertEquals(ROOTFS.toString(), root.path("path").textValue());
    assertFalse(root.path("readonly").booleanValue());
  }

  @Test
  void theArgsAreExactlyTheCommand() throws IOException {
    JsonNode process = write(container()).path("process");
    assertEquals(COMMAND, strings(process.path("args")));
    assertFalse(process.path("terminal").booleanValue());
    assertTrue(process.path("noNewPrivileges").booleanValue());

    List<String> odd = List.of("printf", "%s\\n", "a b", "", "$HOME", "x;y", "\"q\"");
    OciBundle.write(bundle, container(), odd, Optional.empty(), AGENT_ENV, SANDBOX, CGROUP);
    JsonNode config = JSON.readTree(bundle.resolve(OciBundle.CONFIG).toFile());
    assertEquals(odd, strings(config.path("process").path("args")));
  }

  @Test
  void theEnvIsPathHomeTheTasksSortedThenTheAgentsLast() throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ZED", "z");
    env.put("LANG", "C.UTF-8");
    env.put("ALPHA", "a=b");
    OciContainer container =
        new OciContainer(ROOTFS, false, env, Optional.empty(), Optional.empty());
    List<String> variables = strings(write(container).path("process").path("env"));

    assertEquals(
        List.of("PATH=" + RootfsPaths.DEFAULT_PATH, "HOME=/", "ALPHA=a=b", "LANG=C.UTF-8", "ZED=z"),
        variables.subList(0, 5));
    List<String> agents = variables.subList(5, variables.size());
    assertEquals(
        Set.of(
            "PORTCULLIS_SANDBOX=" + OciContainer.SANDBOX_MOUNT,
            "PORTCULLIS_EXECUTOR_ID=e1",
            "PORTCULLIS_TASK_ID=web",
            "PORTCULLIS_ALLOCATED_PORTS=[31000-31000]"),
        Set.copyOf(agents));
    assertEquals(4, agents.size());
  }

  /** A task's PATH or HOME replaces the default in its place, first, and is not given twice. */
  @Test
  void aTasksPathAndHomeReplaceTheDefaults() throws IOException {
    OciContainer container =
        new OciContainer(
            ROOTFS,
            false,
            Map.of("PATH", "/opt/bin:/bin", "HOME", "/root", "B", "2"),
            Optional.empty(),
            Optional.empty());
    List<String> variables = strings(write(container).path("process").path("env"));
    assertEquals(List.of("PATH=/opt/bin:/bin", "HOME=/root", "B=2"), variables.subList(0, 3));
    assertEquals(7, variables.size(), variables::toString);
  }

  @Test
  void withoutAgentVariablesTheEnvIsTheTasksAlone() throws IOException {
    OciBundle.write(
        bundle,
        new OciContainer(ROOTFS, false, Map.of("A", "1"), Optional.empty(), Optional.empty()),
        COMMAND,
        Optional.empty(),
        Map.of(),
        SANDBOX,
        CGROUP);
    JsonNode config = JSON.readTree(bundle.resolve(OciBundle.CONFIG).toFile());
    assertEquals(
        List.of("PATH=" + RootfsPaths.DEFAULT_PATH, "HOME=/", "A=1"),
        strings(config.path("process").path("env")));
  }

  @Test
  void aTaskUserRunsTheCommandWithNoCapabilities() throws IOException {
    JsonNode process = write(container(), Optional.of(NOBODY)).path("process");
    assertEquals(65534, process.path("user").path("uid").longValue());
    assertEquals(65533, process.path("user").path("gid").longValue());
    JsonNode capabilities = process.path("capabilities");
    for (String set : List.of("bounding", "effective", "permitted", "inheritable", "ambient")) {
      assertEquals(List.of(), strings(capabilities.path(set)), set);
    }
    assertEquals(5, capabilities.size());
  }

  @Test
  void aUidAboveTwoToTheThirtyOneIsWrittenWhole() throws IOException {
    TaskUser high = new TaskUser("high", 3_000_000_000L, 4_000_000_000L);
    JsonNode user = write(container(), Optional.of(high)).path("process").path("user");
    assertEquals(3_000_000_000L, user.path("uid").longValue());
    assertEquals(4_000_000_000L, user.path("gid").longValue());
  }

  @Test
  void withoutAUserTheCommandRunsAsRootWithAServersThreeCapabilities() throws IOException {
    JsonNode process = write(container()).path("process");
    assertEquals(0, process.path("user").path("uid").longValue());
    assertEquals(0, process.path("user").path("gid").longValue());
    assertTrue(process.path("user").path("uid").isIntegralNumber());
    JsonNode capabilities = process.path("capabilities");
    List<String> three = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    for (String set : List.of("bounding", "effective", "permitted")) {
      assertEquals(three, strings(capabilities.path(set)), set);
    }
    assertEquals(List.of(), strings(capabilities.path("inheritable")));
    assertEquals(List.of(), strings(capabilities.path("ambient")));
  }

  @Test
  void theSandboxIsBoundReadWriteWhereMesosMountsIt() throws IOException {
    JsonNode config = write(container());
    JsonNode sandbox = mount(config, "/mnt/mesos/sandbox");
    assertEquals(OciContainer.SANDBOX_MOUNT, sandbox.path("destination").textValue());
    assertEquals("bind", sandbox.path("type").textValue());
    assertEquals(SANDBOX.toString(), sandbox.path("source").textValue());
    List<String> options = strings(sandbox.path("options"));
    assertTrue(options.contains("rbind"), options::toString);
    assertTrue(options.contains("rw"), options::toString);
    assertFalse(options.contains("ro"), options::toString);
  }

  @Test
  void theKernelsFilesystemsAreMountedAndSysIsReadOnly() throws IOException {
    JsonNode config = write(container());
    assertEquals("proc", mount(config, "/proc").path("type").textValue());
    assertEquals("tmpfs", mount(config, "/dev").path("type").textValue());
    assertEquals("devpts", mount(config, "/dev/pts").path("type").textValue());
    assertTrue(strings(mount(config, "/sys").path("options")).contains("ro"));
    assertTrue(strings(config.path("linux").path("maskedPaths")).contains("/proc/kcore"));
    assertTrue(strings(config.path("linux").path("readonlyPaths")).contains("/proc/sys"));
  }

  @Test
  void theCwdIsTheSandboxUnlessGiven() throws IOException {
    assertEquals(
        OciContainer.SANDBOX_MOUNT, write(container()).path("process").path("cwd").textValue());
    OciContainer srv =
        new OciContainer(ROOTFS, false, Map.of(), Optional.of("/srv/www"), Optional.empty());
    assertEquals("/srv/www", write(srv).path("process").path("cwd").textValue());
  }

  @Test
  void theHostnameIsSetOnlyWhenGiven() throws IOException {
    assertFalse(write(container()).has("hostname"));
    OciContainer named =
        new OciContainer(ROOTFS, false, Map.of(), Optional.empty(), Optional.of("box-1"));
    assertEquals("box-1", write(named).path("hostname").textValue());
  }

  @Test
  void theConfigNamesAnOciVersion() throws IOException {
    assertTrue(write(container()).path("ociVersion").textValue().startsWith("1.0."));
  }
}
