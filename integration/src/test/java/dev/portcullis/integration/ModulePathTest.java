package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.integration.AgentLauncher.Result;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Launches the real {@code bin/portcullis providers}, a {@code java -p ... -m ...} of the agent
 * with api, core and every provider on the module path: surefire adds {@code ALL-MODULE-PATH},
 * which hides a missing {@code requires}, {@code uses} or {@code provides}; only a real launch
 * proves that module resolution binds each provider module and that core's lookups find and probe
 * each one. ({@link ScanCommandTest} proves, the same way, that a netlink dump works with the
 * module graph as declared.)
 */
@RequiresLinuxRoot
class ModulePathTest {

  @Test
  void everyBuiltInProviderIsFoundInItsModuleAndAvailable() throws Exception {
    Result result;
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      result = AgentLauncher.run("providers", "--format=json", "--cgroups_root=" + scratch.name());
    }
    assertEquals(0, result.exit(), result::toString);
    Map<String, String> found = new TreeMap<>();
    for (JsonNode kind : new ObjectMapper().readTree(result.out()).path("kinds")) {
      for (JsonNode provider : kind.path("providers")) {
        found.put(
            kind.path("kind").asText() + " " + provider.path("name").asText(),
            provider.path("module").asText()
                + " "
                + provider.path("status").asText()
                + (provider.path("built_in").asBoolean() ? " built-in" : " extension"));
      }
    }
    assertEquals(
        Map.of(
            "socket source netlink", "dev.portcullis.netlink available built-in",
            "socket source procfs", "dev.portcullis.netlink available built-in",
            "process tracker cgroups-v2", "dev.portcullis.cgroups.v2 available built-in",
            "process tracker cgroups-v1", "dev.portcullis.cgroups.v1 available built-in",
            "enforcement policy mesos", "dev.portcullis.core available built-in",
            "enforcement policy grace", "dev.portcullis.core available built-in",
            "port guard bpf", "dev.portcullis.bpf available built-in"),
        found,
        result::toString);
  }
}
