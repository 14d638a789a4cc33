package dev.portcullis.agent.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.agent.extensions.ExampleJars;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code portcullis providers} in this JVM, over the module path and a policy jar compiled here.
 * The cgroup hierarchy named does not exist, so no probe makes anything on the host, and no process
 * tracker is available: the listing still lists every kind, and says it could not start.
 */
class ProvidersCommandTest {

  private static final String NO_HIERARCHY = "--cgroups_hierarchy=/nonexistent-cgroups";

  @TempDir Path tmp;
  private Path jar;

  @BeforeEach
  void policyJar() throws IOException {
    jar =
        ExampleJars.policy(
            Files.createDirectory(tmp.resolve("modules")).resolve("p.jar"), "example.policy");
  }

  private record Listed(int exit, String out) {}

  private static Listed providers(String... args) {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new ProvidersCommand());
    command.setOut(new PrintWriter(out));
    int exit = command.execute(args);
    return new Listed(exit, out.toString());
  }

  private List<String> arguments(String... more) {
    List<String> args = new ArrayList<>(List.of("--modules_dir=" + jar.getParent(), NO_HIERARCHY));
    args.addAll(List.of(more));
    return args;
  }

  private static JsonNode kind(JsonNode document, String label) {
    return StreamSupport.stream(document.path("kinds").spliterator(), false)
        .filter(kind -> kind.path("kind").asText().equals(label))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + label + " in " + document));
  }

  private static JsonNode provider(JsonNode kind, String name) {
    return StreamSupport.stream(kind.path("providers").spliterator(), false)
        .filter(provider -> provider.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + kind));
  }

  @Test
  void theExtensionPolicyIsListedWithItsJarAndSelectedWhenNamed() throws IOException {
    Listed listed =
        providers(
            arguments("--container_ports_policy=" + ExampleJars.POLICY, "--format=json")
                .toArray(String[]::new));

    JsonNode document = new ObjectMapper().readTree(listed.out());
    assertEquals(jar.getParent().toString(), document.path("modules_dir").asText());
    JsonNode policies = kind(document, "enforcement policy");
    assertEquals(ExampleJars.POLICY, policies.path("selected").asText(), policies::toString);
    JsonNode example = provider(policies, ExampleJars.POLICY);
    assertEquals(jar.toString(), example.path("jar").asText());
    assertEquals("example.policy", example.path("module").asText());
    assertTrue(example.path("selected").asBoolean());
    JsonNode mesos = provider(policies, "mesos");
    assertEquals("dev.portcullis.core", mesos.path("module").asText());
    assertTrue(mesos.path("built_in").asBoolean());
    assertFalse(mesos.path("selected").asBoolean(true));

    // No tracker works without a hierarchy: the agent could not start, and the listing says why.
    JsonNode trackers = kind(document, "process tracker");
    assertTrue(trackers.path("selected").isNull());
    assertTrue(
        trackers.path("error").asText().contains("/nonexistent-cgroups"), trackers::toString);
    assertFalse(document.path("startable").asBoolean(true));
    assertEquals(ProvidersCommand.NOT_STARTABLE, listed.exit());
    JsonNode guards = kind(document, "port guard");
    assertFalse(guards.path("needed").asBoolean(true));
  }

  @Test
  void withoutANameTheBuiltInMesosPolicyIsTheBestAvailable() {
    Listed listed = providers(arguments().toArray(String[]::new));

    assertTrue(
        listed.out().contains("enforcement policy: mesos, the best available"), listed.out());
    assertTrue(
        listed
            .out()
            .lines()
            .anyMatch(
                line ->
                    line.startsWith("enforcement policy  example ")
                        && line.contains(jar.toString())),
        listed.out());
  }

  @Test
  void aPolicyNamedButMissingIsAnErrorOfItsKindAlone() {
    Listed listed = providers(arguments("--container_ports_policy=nope").toArray(String[]::new));

    assertEquals(ProvidersCommand.NOT_STARTABLE, listed.exit());
    assertTrue(
        listed
            .out()
            .contains(
                "enforcement policy: cannot be selected: Invalid flag"
                    + " --container_ports_policy=nope: No enforcement policy named 'nope' was"
                    + " found."),
        listed.out());
    assertTrue(listed.out().contains("socket source: "), listed.out());
  }
}
