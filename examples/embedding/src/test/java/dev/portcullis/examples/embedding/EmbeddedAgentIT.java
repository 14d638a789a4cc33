package dev.portcullis.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/**
 * The packaged program run as an embedder runs it, on the JPMS module path with the Linux
 * providers beside it, against the live kernel: real cgroups, a real listener, a real kill.
 */
@RequiresLinuxRoot
class EmbeddedAgentIT {

  /** Listens on the port given for the seconds given, then exits 0. */
  private static final String LISTEN =
      "import socket, sys, time\n"
          + "s = socket.socket()\n"
          + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
          + "s.bind(('0.0.0.0', int(sys.argv[1])))\n"
          + "s.listen()\n"
          + "time.sleep(float(sys.argv[2]))\n";

  private ScratchCgroups scratch;

  @BeforeEach
  void scratchRoot() {
    scratch = new ScratchCgroups();
  }

  @AfterEach
  void removeTheScratchCgroups() {
    scratch.close();
  }

  @Test
  void aCommandListeningOnAnUnallocatedPortIsKilledAndTheLimitationPrinted() throws Exception {
    int allocated = FreePorts.any();
    int stray = FreePorts.any();
    Result result = embeddedAgent(allocated, stray, "60");
    assertEquals(1, result.exit(), result::toString);
    assertTrue(
        result.out().startsWith("LIMITED [" + stray + "-" + stray + "] Container embedded-"),
        result::toString);
    assertTrue(
        result.out().contains("is listening on unallocated port(s): [" + stray + "-" + stray + "]"),
        result::toString);
    assertTrue(FreePorts.isFree(stray), "the listener outlived its limitation");
    assertNoContainerLeft();
  }

  @Test
  void aCommandOnItsAllocatedPortRunsToItsEnd() throws Exception {
    int allocated = FreePorts.any();
    Result result = embeddedAgent(allocated, allocated, "1.5");
    assertEquals(0, result.exit(), result::toString);
    assertEquals("FINISHED 0", result.out().strip(), result::toString);
    assertNoContainerLeft();
  }

  private void assertNoContainerLeft() throws IOException {
    Path root = scratch.v2().or(scratch::freezer).orElseThrow();
    if (Files.isDirectory(root)) {
      try (Stream<Path> left = Files.list(root)) {
        assertFalse(
            left.anyMatch(Files::isDirectory), "a container's cgroup is left under " + root);
      }
    }
  }

  private Result embeddedAgent(int allocated, int listened, String seconds) throws Exception {
    String modulePath =
        Files.readString(Path.of("target/module-path.txt")).strip()
            + ":"
            + packagedJar().toAbsolutePath();
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-p",
                modulePath,
                "-m",
                "dev.portcullis.examples.embedding/" + EmbeddedAgent.class.getName(),
                "--enforce_container_ports=true",
                "--container_ports_watch_interval=200ms",
                "--cgroups_root=" + scratch.name(),
                "--ports=[" + allocated + "-" + allocated + "]",
                "--",
                "python3",
                "-c",
                LISTEN,
                Integer.toString(listened),
                seconds));
    Path out = Files.createTempFile("embedded-out", ".txt");
    Path err = Files.createTempFile("embedded-err", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
        throw new AssertionError("the embedded agent did not end");
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

  /** What the program printed, and its exit status. */
  record Result(int exit, String out, String err) {}

  private static Path packagedJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(f -> f.getFileName().toString().matches("embedding-[^-]+.*\\.jar"))
          .filter(f -> !f.getFileName().toString().endsWith("-sources.jar"))
          .filter(f -> !f.getFileName().toString().endsWith("-javadoc.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no packaged jar in target/"));
    }
  }
}
