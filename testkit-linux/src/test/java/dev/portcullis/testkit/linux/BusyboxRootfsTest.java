package dev.portcullis.testkit.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portcullis.linux.MountTable;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BusyboxRootfsTest {

  @TempDir Path temp;

  @Test
  void everyAppletIsARelativeLinkToTheCopiedBusybox() throws IOException, InterruptedException {
    skipOrFailWithout(BusyboxRootfs.unavailabilityCause());
    BusyboxRootfs rootfs = BusyboxRootfs.create(temp.resolve("rootfs"));

    assertEquals(temp.resolve("rootfs").toAbsolutePath(), rootfs.root());
    assertTrue(Files.isRegularFile(rootfs.busybox()));
    assertTrue(Files.isExecutable(rootfs.busybox()));
    for (String applet : BusyboxRootfs.APPLETS) {
      assertEquals(
          Path.of("busybox"), Files.readSymbolicLink(rootfs.root().resolve("bin").resolve(applet)));
    }
    for (String mountPoint : BusyboxRootfs.MOUNT_POINTS) {
      assertTrue(Files.isDirectory(rootfs.root().resolve(mountPoint)), mountPoint);
    }
    // Statically linked, it runs from the copy without anything else from the host.
    Process echo =
        new ProcessBuilder(rootfs.root().resolve("bin/sh").toString(), "-c", "echo hello")
            .redirectErrorStream(true)
            .start();
    String output = new String(echo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(echo.waitFor(10, TimeUnit.SECONDS));
    assertEquals("hello\n", output);
  }

  @Test
  void aDirectoryThatAlreadyHoldsOneIsRefused() throws IOException {
    skipOrFailWithout(BusyboxRootfs.unavailabilityCause());
    BusyboxRootfs.create(temp.resolve("rootfs"));

    assertThrows(
        FileAlreadyExistsException.class, () -> BusyboxRootfs.create(temp.resolve("rootfs")));
  }

  @Test
  @RequiresLinuxRoot
  void runcRunsAShellInItAndLeavesNoStateAndNoCgroup() throws IOException, InterruptedException {
    skipOrFailWithout(BusyboxRootfs.unavailabilityCause());
    Optional<Path> runc = runc();
    skipOrFailWithout(runc.isPresent() ? Optional.empty() : Optional.of("runc is not installed"));

    Path bundle = Files.createDirectories(temp.resolve("bundle"));
    BusyboxRootfs rootfs = BusyboxRootfs.create(bundle.resolve("rootfs"));
    String id = "portcullis-test-" + UUID.randomUUID().toString().substring(0, 8);
    Files.writeString(bundle.resolve("config.json"), config(rootfs.root(), "/" + id));
    Path state = temp.resolve("runc-state");
    Path out = temp.resolve("stdout");
    Path err = temp.resolve("stderr");
    List<Path> hierarchies = cgroupHierarchies();

    Process run =
        new ProcessBuilder(
                runc.get().toString(),
                "--root",
                state.toString(),
                "run",
                "--bundle",
                bundle.toString(),
                id)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    int exit;
    List<String> leftCgroups;
    List<String> leftState;
    try {
      if (!run.waitFor(30, TimeUnit.SECONDS)) {
        fail("runc run did not finish within 30 seconds; stderr: " + readQuietly(err));
      }
      exit = run.exitValue();
      leftCgroups = leftovers(hierarchies, id);
      leftState = entries(state);
    } finally {
      if (run.isAlive()) {
        run.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      forceDelete(runc.get(), state, id);
      for (Path hierarchy : hierarchies) {
        ScratchCgroups.destroy(hierarchy.resolve(id));
      }
    }

    assertEquals(0, exit, () -> "runc run failed: " + readQuietly(err));
    assertEquals("hello\n", Files.readString(out), () -> "stderr: " + readQuietly(err));
    assertEquals(List.of(), leftCgroups, "runc left cgroups behind");
    assertEquals(List.of(), leftState, "runc left state behind");
  }

  /**
   * The smallest OCI configuration that runs {@code sh -c 'echo hello'} from the root filesystem:
   * no terminal, a read-only root, its own pid, ipc, uts and mount namespaces but the host's
   * network namespace, {@code /proc} and a tmpfs {@code /dev}, and a one-level cgroup path that
   * runc creates in every hierarchy and removes when the process exits.
   */
  private static String config(Path root, String cgroupsPath) {
    return """
    {
      "ociVersion": "1.0.2",
      "process": {
        "terminal": false,
        "user": {"uid": 0, "gid": 0},
        "args": ["sh", "-c", "echo hello"],
        "env": ["PATH=/bin"],
        "cwd": "/",
        "noNewPrivileges": true
      },
      "root": {"path": %s, "readonly": true},
      "hostname": "busybox",
      "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "mode=755", "size=65536k"]}
      ],
      "linux": {
        "cgroupsPath": %s,
        "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]
      }
    }
    """
        .formatted(json(root.toString()), json(cgroupsPath));
  }

  private static String json(String value) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (c < 0x20) {
        quoted.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }

  /** runc on {@code PATH}, or where Debian installs it, which a test JVM's PATH may lack. */
  private static Optional<Path> runc() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":", -1)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "runc"));
        }
      }
    }
    candidates.add(Path.of("/usr/sbin/runc"));
    candidates.add(Path.of("/usr/bin/runc"));
    return candidates.stream()
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  /** The mount point of every cgroup hierarchy, v1 and v2. */
  private static List<Path> cgroupHierarchies() throws IOException {
    return MountTable.read().cgroupHierarchies().stream()
        .map(MountTable.Mount::mountPoint)
        .distinct()
        .collect(Collectors.toList());
  }

  private static List<String> leftovers(List<Path> hierarchies, String id) {
    return hierarchies.stream()
        .map(h -> h.resolve(id))
        .filter(Files::exists)
        .map(Path::toString)
        .collect(Collectors.toList());
  }

  private static List<String> entries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).collect(Collectors.toList());
    }
  }

  /** Removes what a failed run may have left; runc answers 0 for an id it does not know. */
  private static void forceDelete(Path runc, Path state, String id) throws InterruptedException {
    try {
      Process delete =
          new ProcessBuilder(runc.toString(), "--root", state.toString(), "delete", "--force", id)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!delete.waitFor(30, TimeUnit.SECONDS)) {
        delete.destroyForcibly();
      }
    } catch (IOException ignored) {
      // The cgroups are destroyed by the caller in any case.
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * Skips the test for the reason given, or fails it when {@value
   * LinuxRootCondition#REQUIRE_VARIABLE} is 1, as {@link RequiresLinuxRoot} does.
   */
  private static void skipOrFailWithout(Optional<String> missing) {
    if (missing.isEmpty()) {
      return;
    }
    if ("1".equals(System.getenv(LinuxRootCondition.REQUIRE_VARIABLE))) {
      fail(LinuxRootCondition.REQUIRE_VARIABLE + "=1 but " + missing.get());
    }
    Assumptions.abort(
        missing.get()
            + "; set "
            + LinuxRootCondition.REQUIRE_VARIABLE
            + "=1 to make this a failure");
  }
}
