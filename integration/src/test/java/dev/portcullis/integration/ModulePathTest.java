package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Launches a real {@code java -p ... -m ...} with api, core and every provider on the module path:
 * surefire adds {@code ALL-MODULE-PATH}, which hides a missing {@code requires} or {@code
 * provides}; only a real launch proves that module resolution binds each provider and that the
 * netlink dump works with the module graph as declared.
 */
@RequiresLinuxRoot
class ModulePathTest {

  @Test
  void everyProviderIsFoundOnTheModulePathAndANetlinkDumpWorks() throws Exception {
    String modulePath =
        Files.readString(Path.of("target/module-path.txt"), StandardCharsets.UTF_8).trim();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-p",
                modulePath,
                "-m",
                "dev.portcullis.core/dev.portcullis.core.survey.ProviderSurvey",
                "--snapshot")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the survey did not finish");
    assertEquals(0, process.exitValue(), output);
    List<String> lines = output.lines().toList();
    for (String expected :
        List.of(
            "socket-source netlink available",
            "socket-source procfs available",
            "process-tracker cgroups-v2 available",
            "process-tracker cgroups-v1 available",
            "policy mesos available",
            "policy grace available",
            "port-guard bpf available")) {
      assertTrue(lines.contains(expected), () -> "missing '" + expected + "' in:\n" + output);
    }
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("snapshot netlink \\d+ sockets")),
        () -> "no netlink snapshot in:\n" + output);
  }
}
