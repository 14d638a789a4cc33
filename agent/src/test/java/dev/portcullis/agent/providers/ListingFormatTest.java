package dev.portcullis.agent.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.agent.extensions.ProviderKind;
import dev.portcullis.agent.extensions.ProviderOrigin;
import dev.portcullis.core.providers.ProviderReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The table and the JSON document of {@code portcullis providers}, from values alone. */
class ListingFormatTest {

  private static final Path JAR = Path.of("/opt/ext/example-policy.jar");

  private static ListedProvider provider(
      String name, String className, int order, ProviderOrigin origin, boolean selected) {
    return new ListedProvider(
        new ProviderReport(
            Optional.of(name),
            className,
            OptionalInt.of(order),
            ProviderReport.Status.AVAILABLE,
            Optional.empty()),
        origin,
        selected);
  }

  private static ProviderOrigin builtIn(String module) {
    return new ProviderOrigin(Optional.of(module), Optional.empty());
  }

  private static final KindListing SOURCES =
      new KindListing(
          ProviderKind.SOCKET_SOURCE,
          Optional.empty(),
          true,
          Optional.of("netlink"),
          Optional.empty(),
          List.of(
              provider("netlink", "n.Netlink", 0, builtIn("dev.portcullis.netlink"), true),
              provider("procfs", "n.Procfs", 100, builtIn("dev.portcullis.netlink"), false)));

  private static final KindListing POLICIES =
      new KindListing(
          ProviderKind.ENFORCEMENT_POLICY,
          Optional.of("example"),
          true,
          Optional.of("example"),
          Optional.empty(),
          List.of(
              provider("mesos", "c.Mesos", 0, builtIn("dev.portcullis.core"), false),
              provider(
                  "example",
                  "e.Example",
                  50,
                  new ProviderOrigin(Optional.of("example.policy"), Optional.of(JAR)),
                  true)));

  private static final KindListing TRACKERS =
      new KindListing(
          ProviderKind.PROCESS_TRACKER,
          Optional.empty(),
          true,
          Optional.empty(),
          Optional.of("No process tracker is available."),
          List.of(
              new ListedProvider(
                  new ProviderReport(
                      Optional.of("cgroups-v2"),
                      "g.V2",
                      OptionalInt.of(100),
                      ProviderReport.Status.UNAVAILABLE,
                      Optional.of(new IOException("no cgroup2 mount"))),
                  builtIn("dev.portcullis.cgroups.v2"),
                  false),
              new ListedProvider(
                  new ProviderReport(
                      Optional.empty(),
                      "a dev.portcullis.api.ProcessTracker provider",
                      OptionalInt.empty(),
                      ProviderReport.Status.FAILED_TO_LOAD,
                      Optional.of(new LinkageError("gone"))),
                  new ProviderOrigin(Optional.empty(), Optional.empty()),
                  false)));

  private static final KindListing GUARDS =
      new KindListing(
          ProviderKind.PORT_GUARD,
          Optional.empty(),
          false,
          Optional.empty(),
          Optional.empty(),
          List.of(provider("bpf", "b.Bpf", 0, builtIn("dev.portcullis.bpf"), false)));

  private static final ProviderListing LISTING =
      new ProviderListing(
          Optional.of(JAR.getParent()), List.of(SOURCES, POLICIES, TRACKERS, GUARDS));

  @Test
  void theTableListsEveryProviderThenWhatEachKindWouldSelect() {
    assertEquals(
        String.join(
            "\n",
            "Extension modules: /opt/ext",
            "",
            "KIND                NAME        ORDER  STATUS          SELECTED  MODULE               "
                + "      JAR                          CLASS                                        "
                + " CAUSE",
            "socket source       netlink     0      available       yes      "
                + " dev.portcullis.netlink     built-in                     n.Netlink              "
                + "                       -",
            "socket source       procfs      100    available       -        "
                + " dev.portcullis.netlink     built-in                     n.Procfs               "
                + "                       -",
            "enforcement policy  mesos       0      available       -         dev.portcullis.core  "
                + "      built-in                     c.Mesos                                      "
                + " -",
            "enforcement policy  example     50     available       yes       example.policy       "
                + "      /opt/ext/example-policy.jar  e.Example                                    "
                + " -",
            "process tracker     cgroups-v2  100    unavailable     -        "
                + " dev.portcullis.cgroups.v2  built-in                     g.V2                   "
                + "                       IOException: no cgroup2 mount",
            "process tracker     -           -      failed to load  -         -                    "
                + "      -                            a dev.portcullis.api.ProcessTracker provider "
                + " LinkageError: gone",
            "port guard          bpf         0      available       -         dev.portcullis.bpf   "
                + "      built-in                     b.Bpf                                        "
                + " -",
            "",
            "socket source: netlink, the best available",
            "enforcement policy: example, as named",
            "process tracker: cannot be selected: No process tracker is available.",
            "port guard: none (--container_ports_guard=none)",
            ""),
        ListingFormat.TABLE.format(LISTING));
  }

  @Test
  void withoutExtensionsTheTableStartsWithItsHeader() {
    String table =
        ListingFormat.TABLE.format(new ProviderListing(Optional.empty(), List.of(SOURCES)));

    assertTrue(table.startsWith("KIND "), table);
  }

  @Test
  void theJsonDocumentHasEveryKindAndProvider() throws IOException {
    JsonNode document = new ObjectMapper().readTree(ListingFormat.JSON.format(LISTING));

    assertEquals("/opt/ext", document.path("modules_dir").asText());
    assertFalse(document.path("startable").asBoolean(true));
    JsonNode kinds = document.path("kinds");
    assertEquals(4, kinds.size());

    JsonNode policies = kinds.get(1);
    assertEquals("enforcement policy", policies.path("kind").asText());
    assertEquals("dev.portcullis.api.EnforcementPolicy", policies.path("spi").asText());
    assertEquals("container_ports_policy", policies.path("flag").asText());
    assertEquals("example", policies.path("wanted").asText());
    assertTrue(policies.path("needed").asBoolean());
    assertEquals("example", policies.path("selected").asText());
    assertTrue(policies.path("error").isNull());
    JsonNode example = policies.path("providers").get(1);
    assertEquals("example", example.path("name").asText());
    assertEquals("e.Example", example.path("class").asText());
    assertEquals("example.policy", example.path("module").asText());
    assertEquals(JAR.toString(), example.path("jar").asText());
    assertFalse(example.path("built_in").asBoolean(true));
    assertEquals(50, example.path("order").asInt());
    assertEquals("available", example.path("status").asText());
    assertTrue(example.path("cause").isNull());
    assertTrue(example.path("selected").asBoolean());
    JsonNode mesos = policies.path("providers").get(0);
    assertTrue(mesos.path("jar").isNull());
    assertTrue(mesos.path("built_in").asBoolean());
    assertFalse(mesos.path("selected").asBoolean(true));

    JsonNode trackers = kinds.get(2);
    assertTrue(trackers.path("selected").isNull());
    assertEquals("No process tracker is available.", trackers.path("error").asText());
    assertEquals(
        "IOException: no cgroup2 mount", trackers.path("providers").get(0).path("cause").asText());
    JsonNode failed = trackers.path("providers").get(1);
    assertEquals("failed_to_load", failed.path("status").asText());
    assertTrue(failed.path("name").isNull());
    assertTrue(failed.path("order").isNull());
    assertTrue(failed.path("module").isNull());
    assertFalse(failed.path("built_in").asBoolean(true));

    JsonNode guards = kinds.get(3);
    assertFalse(guards.path("needed").asBoolean(true));
    assertTrue(guards.path("selected").isNull());
    assertTrue(guards.path("error").isNull());
  }

  @Test
  void aNeededKindHasASelectionOrAnErrorAndOneNotNeededNoSelection() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new KindListing(
                ProviderKind.SOCKET_SOURCE,
                Optional.empty(),
                true,
                Optional.empty(),
                Optional.empty(),
                List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new KindListing(
                ProviderKind.PORT_GUARD,
                Optional.empty(),
                false,
                Optional.of("bpf"),
                Optional.empty(),
                List.of()));
  }

  @Test
  void anUnknownFormatIsRefusedNamingTheKnownOnes() {
    IllegalArgumentException failure =
        assertThrows(IllegalArgumentException.class, () -> ListingFormat.ofFlag("yaml"));
    assertEquals("expected table or json, not 'yaml'", failure.getMessage());
  }
}
