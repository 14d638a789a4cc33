package dev.portcullis.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.bpf.launch.GuardProbe;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Launches {@link GuardProbe} in a fresh JVM with only the module's run-time dependencies. Surefire
 * puts jnr-ffi's own dependencies on the class path and adds every module, which would hide a
 * missing {@code requires} (asm, jdk.unsupported) or a missing export of the jnr-ffi binding
 * package; a real {@code java -p} launch does not.
 */
@RequiresLinuxRoot
class ModuleGraphTest {

  /** Jars only the tests use; everything else on the test paths is a run-time dependency. */
  private static final List<String> TEST_ONLY =
      List.of(
          "/org/junit/",
          "/net/jqwik/",
          "/org/opentest4j/",
          "/org/apiguardian/",
          "portcullis-testkit-linux",
          "testkit-linux/target",
          "slf4j-simple");

  private static final Path TEST_CLASSES =
      Paths.get(GuardProbe.class.getProtectionDomain().getCodeSource().getLocation().getPath());

  /** The main classes and the run-time jars, from the paths surefire launched this JVM with. */
  private static List<String> runtimePath() {
    return Stream.of("jdk.module.path", "java.class.path")
        .map(name -> System.getProperty(name, ""))
        .flatMap(path -> Arrays.stream(path.split(Pattern.quote(File.pathSeparator))))
        .filter(entry -> !entry.isBlank())
        .filter(entry -> !Paths.get(entry).equals(TEST_CLASSES))
        .filter(entry -> TEST_ONLY.stream().noneMatch(entry::contains))
        .distinct()
        .collect(Collectors.toList());
  }

  private static List<String> run(String root, String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(arguments));
    command.add(GuardProbe.class.getName());
    command.add(root);
    Path errors = Files.createTempFile("guard-probe", ".err");
    Process java = new ProcessBuilder(command).redirectError(errors.toFile()).start();
    try {
      String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(java.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
      String stderr = Files.readString(errors);
      assertEquals(0, java.exitValue(), () -> command + "\n" + output + stderr);
      return output.lines().collect(Collectors.toList());
    } finally {
      java.destroyForcibly();
      Files.deleteIfExists(errors);
    }
  }

  @Test
  void onTheModulePathTheGuardLoadsAndWorks() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      List<String> lines =
          run(
              scratch.name(),
              "-p",
              String.join(File.pathSeparator, runtimePath()),
              "--add-modules",
              "dev.portcullis.bpf",
              "-cp",
              TEST_CLASSES.toString());
      assertEquals("layer exports []", lines.get(0), lines.toString());
      assertGuard(lines, "dev.portcullis.bpf");
    }
  }

  @Test
  void onTheClassPathAutoServiceRegistersTheGuard() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      List<String> classPath = new ArrayList<>(runtimePath());
      classPath.add(TEST_CLASSES.toString());
      List<String> lines = run(scratch.name(), "-cp", String.join(File.pathSeparator, classPath));
      assertEquals("layer class path", lines.get(0), lines.toString());
      assertGuard(lines, "null");
    }
  }

  private static void assertGuard(List<String> lines, String module) {
    List<String> guards = lines.subList(1, lines.size());
    assertEquals(1, guards.size(), guards.toString());
    assertTrue(
        guards.get(0).matches("guard bpf " + module + " available listen=(true|false)"),
        guards.toString());
  }
}
