package dev.portcullis.examples.taskpattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as an operator uses it: dropped into {@code --modules_dir} of the real {@code
 * bin/portcullis}, found there, selected by name and deciding real tasks in real cgroups.
 */
@RequiresLinuxRoot
class TaskPatternPolicyIT {

  /** Listens on the port given for the seconds given, then exits 0. */
  private static final String LISTEN =
      "import socket, sys, time\n"
          + "s = socket.socket()\n"
          + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
          + "s.bind(('0.0.0.0', int(sys.argv[1])))\n"
          + "s.listen()\n"
          + "time.sleep(float(sys.argv[2]))\n";

  @TempDir Path modules;
  private ScratchCgroups scratch;

  @BeforeEach
  void dropTheJarIntoTheModulesDirectory() throws IOException {
    scratch = new ScratchCgroups();
    Files.copy(packagedJar(), modules.resolve("task-pattern-policy.jar"));
  }

  @AfterEach
  void removeTheScratchCgroups() {
    scratch.close();
  }

  @Test
  void theAgentListsThePolicyFromTheModulesDirectory() throws Exception {
    Result providers =
        portcullis(
            "providers",
            "--format=json",
            "--modules_dir=" + modules,
            "--cgroups_root=" + scratch.name(),
            policyFlag(),
            "--provider_setting=" + TaskPatternPolicy.ALLOW_SETTING + "=debug-.+");
    assertEquals(0, providers.exit(), providers::toString);
    String listing = providers.out().replace(" ", "");
    assertTrue(listing.contains("\"selected\":\"" + TaskPatternPolicy.NAME + "\""), providers::toString);
    assertTrue(
        listing.contains("\"class\":\"" + TaskPatternPolicy.class.getName() + "\""),
        providers::toString);
    assertTrue(listing.contains("task-pattern-policy.jar"), providers::toString);

    Result unset =
        portcullis(
            "providers", "--modules_dir=" + modules, "--cgroups_root=" + scratch.name(), policyFlag());
    assertEquals(1, unset.exit(), "the agent could not start with these flags: " + unset);
    assertTrue(unset.out().contains("task_pattern_allow is not given"), unset::toString);
  }

  @Test
  void aMatchingTaskListensOnAnUnallocatedPortAndFinishes() throws Exception {
    int allocated = FreePorts.any();
    int stray = FreePorts.any();
    Result run = run("debug-7", allocated, stray, "2");
    assertEquals(0, run.exit(), run::toString);
    assertTrue(run.lastLine().contains("\"state\":\"TASK_FINISHED\""), run::toString);
    assertTrue(run.err().contains("allowed: task debug-7 matches debug-.+"), run::toString);
  }

  @Test
  void anyOtherTaskIsKilledWithTheLimitationAndThePoliciesReason() throws Exception {
    int allocated = FreePorts.any();
    int stray = FreePorts.any();
    Result run = run("web-1", allocated, stray, "60");
    assertEquals(1, run.exit(), run::toString);
    String last = run.lastLine();
    assertTrue(last.contains("\"state\":\"TASK_FAILED\""), run::toString);
    assertTrue(last.contains("\"reason\":\"REASON_CONTAINER_LIMITATION\""), run::toString);
    assertTrue(last.contains("task web-1 does not match debug-.+"), run::toString);
    assertTrue(last.contains("\"begin\":" + stray), run::toString);
  }

  @Test
  void withoutItsPatternThePolicyCannotBeSelectedAndTheAgentSaysWhy() throws Exception {
    Result run =
        portcullis(
            "run",
            "--modules_dir=" + modules,
            "--cgroups_root=" + scratch.name(),
            policyFlag(),
            "--",
            "true");
    assertEquals(2, run.exit(), run::toString);
    assertTrue(run.err().contains("task_pattern_allow is not given"), run::toString);
  }

  private Result run(String taskId, int allocated, int stray, String seconds) throws Exception {
    return portcullis(
        "run",
        "--modules_dir=" + modules,
        "--cgroups_root=" + scratch.name(),
        policyFlag(),
        "--provider_setting=" + TaskPatternPolicy.ALLOW_SETTING + "=debug-.+",
        "--enforce_container_ports",
        "--container_ports_watch_interval=200ms",
        "--task_id=" + taskId,
        "--task_resources=ports:[" + allocated + "-" + allocated + "]",
        "--",
        "python3",
        "-c",
        LISTEN,
        Integer.toString(stray),
        seconds);
  }

  private static String policyFlag() {
    return "--container_ports_policy=" + TaskPatternPolicy.NAME;
  }

  /** What a finished command printed, and its exit status. */
  record Result(int exit, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private static Result portcullis(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(portcullisHome().resolve("bin/portcullis").toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("portcullis-out", ".txt");
    Path err = Files.createTempFile("portcullis-err", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
        throw new AssertionError("bin/portcullis " + String.join(" ", args) + " did not end");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The Portcullis tree whose bin/portcullis runs the jar; the build passes it. */
  private static Path portcullisHome() {
    String home = System.getenv("PORTCULLIS_HOME");
    if (home == null || !Files.isExecutable(Path.of(home, "bin/portcullis"))) {
      throw new IllegalStateException(
          "PORTCULLIS_HOME must name a Portcullis tree with bin/portcullis, not " + home);
    }
    return Path.of(home);
  }

  /** The jar this module's build packaged, which failsafe tests after the package phase. */
  private static Path packagedJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(f -> f.getFileName().toString().matches("task-pattern-policy-[^-]+.*\\.jar"))
          .filter(f -> !f.getFileName().toString().endsWith("-sources.jar"))
          .filter(f -> !f.getFileName().toString().endsWith("-javadoc.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no packaged jar in target/"));
    }
  }
}
