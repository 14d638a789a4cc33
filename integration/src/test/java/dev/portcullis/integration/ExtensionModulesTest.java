package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.integration.AgentLauncher.Result;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Extension modules end to end: module jars compiled here, dropped into a {@code --modules_dir},
 * and the real {@code bin/portcullis} listing them, selecting them and enforcing with them; and
 * every bad directory or jar refused at start-up with one line and exit status 2. Every cgroup is
 * made under a scratch root that is destroyed afterwards.
 */
@RequiresLinuxRoot
class ExtensionModulesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path dir;
  private ScratchCgroups scratch;

  @BeforeEach
  void scratchRoot() {
    dir = tmp.resolve("modules");
    scratch = new ScratchCgroups();
  }

  @AfterEach
  void destroyScratchRoot() {
    scratch.close();
  }

  private Path policyJar() throws IOException {
    return ExtensionJars.policy(
        Files.createDirectories(dir).resolve("always-kill.jar"), "example.policy");
  }

  private Result portcullis(String command, String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of(command, "--cgroups_root=" + scratch.name()));
    args.addAll(List.of(flags));
    return AgentLauncher.run(args.toArray(String[]::new));
  }

  private static JsonNode named(JsonNode array, String field, String value) {
    return StreamSupport.stream(array.spliterator(), false)
        .filter(node -> node.path(field).asText().equals(value))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + field + " " + value + " in " + array));
  }

  // --- Listed and selected ---

  @Test
  void providersListsTheExtensionPolicyAsJsonAndSelectsItWhenNamed() throws Exception {
    Path jar = policyJar();

    Result result =
        portcullis(
            "providers",
            "--modules_dir=" + dir,
            "--container_ports_policy=" + ExtensionJars.POLICY,
            "--format=json");

    assertEquals(0, result.exit(), result::toString);
    JsonNode document = JSON.readTree(result.out());
    assertEquals(dir.toString(), document.path("modules_dir").asText());
    assertTrue(document.path("startable").asBoolean(), result::toString);
    JsonNode policies = named(document.path("kinds"), "kind", "enforcement policy");
    assertEquals(ExtensionJars.POLICY, policies.path("selected").asText(), result::toString);
    JsonNode policy = named(policies.path("providers"), "name", ExtensionJars.POLICY);
    assertEquals("example.policy", policy.path("module").asText());
    assertEquals(jar.toString(), policy.path("jar").asText());
    assertFalse(policy.path("built_in").asBoolean(true));
    assertEquals("available", policy.path("status").asText());
    assertEquals(1000, policy.path("order").asInt());
    assertTrue(policy.path("selected").asBoolean());
    JsonNode mesos = named(policies.path("providers"), "name", "mesos");
    assertTrue(mesos.path("built_in").asBoolean());
    assertFalse(mesos.path("selected").asBoolean(true));
    // Every kind is listed with the built-in providers of this host.
    JsonNode sources = named(document.path("kinds"), "kind", "socket source");
    assertEquals("netlink", sources.path("selected").asText(), result::toString);
    JsonNode trackers = named(document.path("kinds"), "kind", "process tracker");
    assertEquals("cgroups-v2", trackers.path("selected").asText(), result::toString);
    JsonNode guards = named(document.path("kinds"), "kind", "port guard");
    assertFalse(guards.path("needed").asBoolean(true));
    assertEquals(
        "available", named(guards.path("providers"), "name", "bpf").path("status").asText());
  }

  @Test
  void providersListsTheExtensionPolicyInTheTableBesideTheBestAvailable() throws Exception {
    Path jar = policyJar();

    Result listed = portcullis("providers", "--modules_dir=" + dir);
    Result named =
        portcullis(
            "providers",
            "--modules_dir=" + dir,
            "--container_ports_policy=" + ExtensionJars.POLICY);

    assertEquals(0, listed.exit(), listed::toString);
    assertTrue(listed.out().startsWith("Extension modules: " + dir + "\n"), listed::toString);
    String row = row(listed, ExtensionJars.POLICY);
    assertTrue(row.contains(jar.toString()) && row.contains("example.policy"), row);
    assertTrue(row.matches(".*available +- +example\\.policy .*"), row);
    assertTrue(
        listed.out().contains("\nenforcement policy: mesos, the best available\n"),
        listed::toString);

    assertEquals(0, named.exit(), named::toString);
    assertTrue(row(named, ExtensionJars.POLICY).matches(".*available +yes +example\\.policy .*"));
    assertTrue(
        named.out().contains("\nenforcement policy: " + ExtensionJars.POLICY + ", as named\n"),
        named::toString);
  }

  private static String row(Result result, String name) {
    return result
        .out()
        .lines()
        .filter(line -> line.startsWith("enforcement policy  " + name + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + name + " in\n" + result));
  }

  @Test
  void runEnforcesWithTheExtensionPolicyAndItsSetting() throws Exception {
    policyJar();
    int allocated = FreePorts.any();
    int stray = FreePorts.any();
    String message = "always-kill says: port " + stray + " was never yours";

    Result run =
        portcullis(
            "run",
            "--modules_dir=" + dir,
            "--container_ports_policy=" + ExtensionJars.POLICY,
            "--provider_setting=" + ExtensionJars.MESSAGE_SETTING + "=" + message,
            "--enforce_container_ports",
            "--container_ports_watch_interval=100ms",
            "--task_resources=ports:[" + allocated + "-" + allocated + "]",
            "--",
            "python3",
            "-c",
            "import socket, time\n"
                + "s = socket.socket()\n"
                + "s.bind(('0.0.0.0', "
                + stray
                + "))\n"
                + "s.listen()\n"
                + "time.sleep(30)\n");

    assertEquals(1, run.exit(), run::toString);
    List<String> updates = run.out().lines().toList();
    JsonNode terminal = JSON.readTree(updates.get(updates.size() - 1));
    assertEquals("TASK_FAILED", terminal.path("state").asText(), run::toString);
    assertEquals("REASON_CONTAINER_LIMITATION", terminal.path("reason").asText(), run::toString);
    assertEquals(message, terminal.path("message").asText(), run::toString);
  }

  // --- Refused at start-up ---

  /** Fills the modules directory badly and returns what the one error line must say. */
  private interface BadDirectory extends Function<Path, List<String>> {}

  static Stream<Arguments> badDirectories() {
    return Stream.of(
        bad("a missing directory", dir -> List.of("--modules_dir=" + dir, "no such directory")),
        bad(
            "an empty directory",
            dir -> {
              create(dir);
              return List.of("--modules_dir=" + dir, "holds no *.jar");
            }),
        bad(
            "a jar without module-info",
            dir -> {
              Path jar = ExtensionJars.plainPolicy(create(dir).resolve("plain.jar"));
              return List.of(jar.toString(), "is not a module", "module-info");
            }),
        bad(
            "two jars with one module name",
            dir -> {
              Path first = ExtensionJars.policy(create(dir).resolve("a.jar"), "example.twice");
              Path second = ExtensionJars.policy(dir.resolve("b.jar"), "example.twice");
              return List.of(first.toString(), second.toString(), "example.twice");
            }),
        bad(
            "a jar named as an agent module",
            dir -> {
              Path jar =
                  ExtensionJars.policy(create(dir).resolve("core.jar"), "dev.portcullis.core");
              return List.of(jar.toString(), "one of the agent's own modules");
            }),
        bad(
            "a module requiring a missing module",
            dir -> {
              Path library =
                  ExtensionJars.library(
                      create(dir.resolveSibling("lib")).resolve("lib.jar"), "example.lib");
              Path jar =
                  ExtensionJars.policyRequiring(
                      create(dir).resolve("needy.jar"), "example.needy", "example.lib", library);
              return List.of(jar.toString(), "requires module example.lib");
            }),
        bad(
            "a provider whose constructor throws",
            dir -> {
              Path jar =
                  ExtensionJars.throwingPolicy(
                      create(dir).resolve("throwing.jar"), "no task id pattern was given");
              return List.of(
                  jar.toString(), "example.throwing.AlwaysKill", "no task id pattern was given");
            }));
  }

  private static Arguments bad(String label, BadDirectory directory) {
    return Arguments.of(label, directory);
  }

  private static Path create(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badDirectories")
  void aBadModulesDirectoryIsOneLineAndExitStatus2(String label, BadDirectory directory)
      throws Exception {
    List<String> expected = directory.apply(dir);

    Result result = portcullis("providers", "--modules_dir=" + dir);

    assertRefusedWithOneLine(result, "providers: ", expected);
    assertNothingMade();
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "scan", "agent"})
  void everyCommandThatSelectsProvidersRefusesABadJar(String command) throws Exception {
    Path jar = ExtensionJars.plainPolicy(create(dir).resolve("plain.jar"));
    List<String> flags = new ArrayList<>(List.of("--modules_dir=" + dir));
    if (command.equals("agent")) {
      flags.add("--work_dir=" + tmp.resolve("work"));
    }
    if (command.equals("run")) {
      flags.addAll(List.of("--", "true"));
    }

    Result result = portcullis(command, flags.toArray(String[]::new));

    assertRefusedWithOneLine(result, command + ": ", List.of(jar.toString(), "is not a module"));
    assertNothingMade();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--provider_setting=cgroups_root=elsewhere",
        "--provider_setting=no_value",
        "--provider_setting==value"
      })
  void aBadProviderSettingIsOneLineAndExitStatus2(String flag) throws Exception {
    Result result = portcullis("providers", flag);

    assertRefusedWithOneLine(result, "providers: ", List.of("--provider_setting"));
    assertNothingMade();
  }

  @Test
  void aProviderSettingGivenTwiceIsRefused() throws Exception {
    Result result =
        portcullis("providers", "--provider_setting=example=1", "--provider_setting=example=2");

    assertRefusedWithOneLine(result, "providers: ", List.of("example is already set"));
  }

  private static void assertRefusedWithOneLine(Result result, String prefix, List<String> parts) {
    assertEquals(2, result.exit(), result::toString);
    assertEquals("", result.out(), result::toString);
    List<String> lines = result.errorLines();
    assertEquals(1, lines.size(), result::toString);
    String line = lines.get(0);
    assertTrue(line.startsWith(prefix), line);
    for (String part : parts) {
      assertTrue(line.contains(part), () -> "'" + part + "' is not in: " + line);
    }
  }

  /** Nothing got as far as a probe: not even the cgroups root was made. */
  private void assertNothingMade() {
    for (Optional<Path> root : List.of(scratch.v2(), scratch.freezer())) {
      assertFalse(root.map(Files::exists).orElse(false), () -> root + " was made");
    }
  }
}
