package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The README's quick-start run, word for word, so that what it shows stays true. */
@RequiresLinuxRoot
class ReadmeQuickStartTest {

  /**
   * The quick start runs with the default {@code --cgroups_root}; whichever of its directories the
   * run creates, the test removes, so that the host is left as found.
   */
  private final List<Path> madeByTheRun = new ArrayList<>();

  @BeforeEach
  void noteTheDefaultRootsMissing() {
    try (ScratchCgroups mounts = new ScratchCgroups()) {
      for (Optional<Path> mount : List.of(mounts.v2Mount(), mounts.freezerMount())) {
        mount
            .map(m -> m.resolve(ProcessTracker.DEFAULT_CGROUPS_ROOT))
            .filter(root -> !Files.exists(root))
            .ifPresent(madeByTheRun::add);
      }
    }
  }

  @AfterEach
  void removeTheDefaultRootsTheRunMade() {
    List<String> left = new ArrayList<>();
    for (Path root : madeByTheRun) {
      left.addAll(ScratchCgroups.destroy(root));
    }
    assertTrue(left.isEmpty(), "could not remove " + left);
  }

  private static final List<String> COMMAND =
      List.of(
          "bin/portcullis",
          "run",
          "--enforce_container_ports",
          "--container_ports_watch_interval=1secs",
          "--task_id=web-1",
          "--task_resources=cpus:0.1;mem:32;ports:[31000-31000]",
          "--",
          "bin/portcullis",
          "listen",
          "--tcp=31000",
          "--tcp=31001");

  @Test
  void theQuickStartKillsTheTaskForPort31001() throws Exception {
    Path top = Path.of("..").toAbsolutePath().normalize();
    String readme = Files.readString(top.resolve("README.md"));
    assertTrue(
        readme.contains(
            "sudo bin/portcullis run --enforce_container_ports"
                + " --container_ports_watch_interval=1secs \\\n"
                + "    --task_id=web-1 --task_resources='cpus:0.1;mem:32;ports:[31000-31000]' \\\n"
                + "    -- bin/portcullis listen --tcp=31000 --tcp=31001"),
        "the README's quick start changed: update this test with it");
    assertTrue(
        FreePorts.isFree(31000) && FreePorts.isFree(31001), "ports 31000-31001 are in use here");

    Process run =
        new ProcessBuilder(COMMAND)
            .directory(top.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String stdout = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the run did not end");
      assertEquals(1, run.exitValue(), stdout);
      List<String> lines = stdout.lines().toList();
      assertEquals(3, lines.size(), stdout);
      assertTrue(lines.get(0).contains("\"state\":\"TASK_STARTING\""), stdout);
      assertTrue(lines.get(1).contains("\"state\":\"TASK_RUNNING\""), stdout);
      String failed = lines.get(2);
      assertTrue(failed.startsWith("{\"task_id\":{\"value\":\"web-1\"}"), failed);
      assertTrue(failed.contains("\"state\":\"TASK_FAILED\""), failed);
      assertTrue(failed.contains("\"reason\":\"REASON_CONTAINER_LIMITATION\""), failed);
      assertTrue(failed.contains("is listening on unallocated port(s): [31001-31001]\""), failed);
      assertTrue(
          failed.endsWith(
              "\"limitation\":{\"resources\":[{\"name\":\"ports\",\"type\":\"RANGES\","
                  + "\"ranges\":{\"range\":[{\"begin\":31001,\"end\":31001}]}}]}}"),
          failed);
    } finally {
      run.descendants().forEach(ProcessHandle::destroyForcibly);
      run.destroyForcibly();
    }
  }

  private static final List<String> GUARDED =
      List.of(
          "bin/portcullis",
          "run",
          "--enforce_container_ports",
          "--container_ports_watch_interval=1secs",
          "--container_ports_guard=bpf",
          "--task_user=nobody",
          "--task_id=web-1",
          "--task_resources=cpus:0.1;mem:32;ports:[31000-31000]",
          "--",
          "bin/portcullis",
          "listen",
          "--tcp=31000",
          "--tcp=31001");

  @Test
  void theGuardedQuickStartHasTheKernelRefusePort31001() throws Exception {
    Path top = Path.of("..").toAbsolutePath().normalize();
    String readme = Files.readString(top.resolve("README.md"));
    assertTrue(
        readme.contains(
            "sudo bin/portcullis run --enforce_container_ports"
                + " --container_ports_watch_interval=1secs \\\n"
                + "    --container_ports_guard=bpf --task_user=nobody \\\n"
                + "    --task_id=web-1 --task_resources='cpus:0.1;mem:32;ports:[31000-31000]' \\\n"
                + "    -- bin/portcullis listen --tcp=31000 --tcp=31001"),
        "the README's guarded quick start changed: update this test with it");
    assertTrue(
        FreePorts.isFree(31000) && FreePorts.isFree(31001), "ports 31000-31001 are in use here");
    Path stderr = Files.createTempFile("portcullis-guarded", ".txt");
    Process run =
        new ProcessBuilder(GUARDED).directory(top.toFile()).redirectError(stderr.toFile()).start();
    try {
      String stdout = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the run did not end");
      String err = Files.readString(stderr);
      assertEquals(1, run.exitValue(), stdout + err);
      List<String> lines = stdout.lines().toList();
      assertEquals(3, lines.size(), stdout);
      assertTrue(lines.get(2).contains("\"message\":\"Command exited with status 2\""), stdout);
      assertTrue(err.lines().anyMatch("listening tcp 0.0.0.0:31000"::equals), err);
      assertTrue(
          err.lines()
              .anyMatch(
                  "listen: cannot listen on tcp 0.0.0.0:31001: Operation not permitted"::equals),
          err);
      assertTrue(
          err.contains(
              "the guard refused 1 bind(s) since the last scan; ports refused so far:"
                  + " [31001-31001]"),
          err);
    } finally {
      run.descendants().forEach(ProcessHandle::destroyForcibly);
      run.destroyForcibly();
      Files.deleteIfExists(stderr);
    }
  }
}
