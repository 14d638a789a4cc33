package dev.portcullis.agent.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portcullis.spawn.Output;
import dev.portcullis.spawn.Spawner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The held shell that runs a task's command and records its exit status beside the sandbox, as each
 * way of starting it starts it.
 */
abstract class TaskShellContract {

  /** How the shells are started: by the spawner, or by the JDK when empty. */
  abstract Optional<Spawner> spawner() throws IOException;

  /** How long a process may take to do what it was told; only a bound against hanging. */
  private static final long PATIENCE_MILLIS = 30_000;

  @TempDir Path executor;

  /** The task's sandbox, in its executor's directory, as the agent lays them out. */
  private Path sandbox;

  /** Where the task's status is recorded, beside its sandbox. */
  private Path status;

  private final List<HeldProcess> started = new ArrayList<>();

  /** The shell as the daemon's launcher starts it: output to the sandbox, status recorded. */
  private HeldProcess shell(
      List<String> command, Path sandbox, Path status, Map<String, String> environment)
      throws IOException {
    return TaskShell.start(
        spawner(),
        command,
        sandbox,
        Optional.of(status),
        environment,
        TaskShell.Output.AS_REDIRECTED,
        Output.appendTo(sandbox.resolve("stdout")),
        Output.appendTo(sandbox.resolve("stderr")));
  }

  @BeforeAll
  static void needsAPosixShell() {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
  }

  @BeforeEach
  void sandbox() throws IOException {
    sandbox = Files.createDirectory(executor.resolve("task"));
    status = executor.resolve("task" + SandboxLauncher.EXIT_STATUS_SUFFIX);
  }

  @AfterEach
  void destroyEveryProcess() throws IOException {
    for (HeldProcess process : started) {
      process.destroyForcibly();
    }
    for (HeldProcess process : started) {
      awaitExit(process);
    }
  }

  private HeldProcess start(List<String> command, Map<String, String> environment)
      throws IOException {
    HeldProcess process = shell(command, sandbox, status, environment);
    started.add(process);
    return process;
  }

  private HeldProcess start(String script) throws IOException {
    return start(List.of("sh", "-c", script), Map.of());
  }

  private static int awaitExit(HeldProcess process) throws IOException {
    long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      Optional<Integer> status = process.exitStatus();
      if (status.isPresent()) {
        return status.get();
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("pid " + process.pid() + " did not exit");
  }

  private String read(String file) throws IOException {
    return Files.readString(sandbox.resolve(file), StandardCharsets.UTF_8);
  }

  @Test
  void theCommandRunsOnlyOnceReleasedAndItsStatusIsRecorded() throws Exception {
    HeldProcess process = start("echo out; echo err >&2; exit 3");
    assertTrue(process.pid() > 0);

    // Held: give it every chance to run too early, then check it did not.
    Thread.sleep(200);
    assertEquals(Optional.empty(), process.exitStatus(), "the shell waits for its release");
    assertEquals("", read("stdout"), "the output files exist and are empty");
    assertEquals("", read("stderr"));
    assertFalse(Files.exists(status));
    assertEquals(Optional.empty(), TaskShell.recordedExitStatus(status));

    process.release();
    assertEquals(3, awaitExit(process));
    assertEquals(Optional.of(3), process.exitStatus());
    assertEquals(Optional.of(3), TaskShell.recordedExitStatus(status));
    assertEquals("out\n", read("stdout"));
    assertEquals("err\n", read("stderr"));
    assertFalse(
        Files.exists(status.resolveSibling(status.getFileName() + ".tmp")),
        "the status is renamed into place");
    try (Stream<Path> files = Files.list(sandbox)) {
      assertEquals(
          List.of("stderr", "stdout"),
          files.map(f -> f.getFileName().toString()).sorted().toList(),
          "nothing of the status in the sandbox");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 42, 255})
  void theCommandsExitStatusIsTheShells(int exit) throws Exception {
    HeldProcess process = start("exit " + exit);
    process.release();
    assertEquals(exit, awaitExit(process));
    assertEquals(Optional.of(exit), TaskShell.recordedExitStatus(status));
  }

  @Test
  void aCommandKilledByASignalRecordsTheShellsStatusForIt() throws Exception {
    HeldProcess process = start("kill -TERM $$");
    process.release();
    assertEquals(128 + 15, awaitExit(process));
    assertEquals(Optional.of(128 + 15), TaskShell.recordedExitStatus(status));
  }

  @Test
  void aCommandThatCannotBeFoundRecordsStatus127() throws Exception {
    HeldProcess process =
        start(List.of(sandbox.resolve("no-such-program").toString(), "x"), Map.of());
    process.release();
    assertEquals(127, awaitExit(process));
    assertEquals(Optional.of(127), TaskShell.recordedExitStatus(status));
  }

  @Test
  void theArgvIsPassedAsGivenWithoutTheShellReadingIt() throws Exception {
    HeldProcess process =
        start(List.of("printf", "[%s]\\n", "a b", "$HOME", "*", "", "x;y", "'q'"), Map.of());
    process.release();
    assertEquals(0, awaitExit(process));
    assertEquals("[a b]\n[$HOME]\n[*]\n[]\n[x;y]\n['q']\n", read("stdout"));
  }

  /**
   * The argv names a program; if it names a special built-in of the supervising shell instead
   * ({@code exec}, {@code exit}), that shell must not be the one to run it, or it is replaced or
   * exits before it records the status.
   */
  @ParameterizedTest
  @ValueSource(strings = {"exit", "exec"})
  void aCommandNamedLikeAShellBuiltinStillHasItsStatusRecorded(String builtin) throws Exception {
    List<String> command =
        builtin.equals("exit") ? List.of("exit", "4") : List.of("exec", "sh", "-c", "exit 4");
    HeldProcess process = start(command, Map.of());
    process.release();
    assertEquals(4, awaitExit(process));
    assertEquals(Optional.of(4), TaskShell.recordedExitStatus(status));
  }

  @Test
  void theCommandRunsInTheSandboxWithTheEnvironmentAndNoInput() throws Exception {
    HeldProcess process =
        start(
            List.of("sh", "-c", "pwd; echo \"$PORTCULLIS_TASK_ID\"; cat; echo done"),
            Map.of("PORTCULLIS_TASK_ID", "web-1"));
    process.release();
    assertEquals(0, awaitExit(process));
    assertEquals(
        sandbox.toRealPath() + "\nweb-1\ndone\n",
        read("stdout"),
        "cat reads /dev/null, not the release pipe");
  }

  @Test
  void outputIsAppendedToWhatTheSandboxHeld() throws Exception {
    Files.writeString(sandbox.resolve("stdout"), "earlier\n");
    HeldProcess process = start("echo later");
    process.release();
    assertEquals(0, awaitExit(process));
    assertEquals("earlier\nlater\n", read("stdout"));
  }

  @Test
  void theTaskRunsInASessionOfItsOwn() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/setsid"))
            || Files.isExecutable(Path.of("/bin/setsid")),
        "needs setsid");
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc");
    // The command copies its own stat; it is in the session of the shell that ran it.
    HeldProcess process = start("cat /proc/$$/stat > stat");
    process.release();
    assertEquals(0, awaitExit(process));
    String stat = read("stat");
    // Field 6, the fourth after the parenthesised command name, is the session id.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    assertEquals(String.valueOf(process.pid()), fields[3], "session id in " + stat);
  }

  @Test
  void aProcessDestroyedBeforeReleaseRunsNothingAndRecordsNoStatus() throws Exception {
    HeldProcess process = start("echo ran > ran; exit 0");
    process.destroyForcibly();
    awaitExit(process);
    assertEquals(Optional.empty(), TaskShell.recordedExitStatus(status));
    assertFalse(Files.exists(sandbox.resolve("ran")));
    assertEquals("", read("stdout"));
    // However a late release fares, nothing may run.
    try {
      process.release();
    } catch (IOException expected) {
      // The shell is gone.
    }
    Thread.sleep(100);
    assertFalse(Files.exists(sandbox.resolve("ran")));
    assertEquals(Optional.empty(), TaskShell.recordedExitStatus(status));
  }

  @Test
  void releasingAShellThatDiedFails() throws Exception {
    HeldProcess process = start("echo ran > ran; exit 0");
    Process kill = new ProcessBuilder("kill", "-KILL", String.valueOf(process.pid())).start();
    assertEquals(0, kill.waitFor());
    assertEquals(128 + 9, awaitExit(process));
    assertThrows(IOException.class, process::release);
    assertFalse(Files.exists(sandbox.resolve("ran")));
    assertEquals(Optional.empty(), TaskShell.recordedExitStatus(status));
  }

  @Test
  void destroyingAnExitedProcessIsHarmless() throws Exception {
    HeldProcess process = start("exit 5");
    process.release();
    assertEquals(5, awaitExit(process));
    process.destroyForcibly();
    assertEquals(Optional.of(5), process.exitStatus());
  }

  @Test
  void startingInAMissingSandboxFails() {
    Path missing = sandbox.resolve("absent");
    assertThrows(IOException.class, () -> shell(List.of("true"), missing, status, Map.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"3\n", "3", " 3 \n", "0\n"})
  void aRecordedStatusIsReadFromTheFile(String text) throws Exception {
    Files.writeString(status, text);
    assertEquals(Optional.of(Integer.parseInt(text.strip())), TaskShell.recordedExitStatus(status));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "garbage", "3 4", "3.0", "99999999999"})
  void aFileThatHoldsNoStatusIsAnError(String text) throws Exception {
    Files.writeString(status, text);
    IOException e = assertThrows(IOException.class, () -> TaskShell.recordedExitStatus(status));
    assertTrue(e.getMessage().contains(status.toString()), e.getMessage());
  }

  @Test
  void noFileMeansNoStatus() throws Exception {
    assertEquals(Optional.empty(), TaskShell.recordedExitStatus(status));
    assertEquals(Optional.empty(), TaskShell.recordedExitStatus(executor.resolve("absent")));
  }

  @Test
  void forRunTheCommandsOutputGoesToStandardErrorAndNoStatusIsRecorded() throws Exception {
    Path errors = sandbox.resolve("errors");
    HeldProcess process =
        TaskShell.start(
            spawner(),
            List.of("sh", "-c", "echo out; echo err >&2; exit 6"),
            sandbox,
            Optional.empty(),
            Map.of(),
            TaskShell.Output.TO_STANDARD_ERROR,
            Output.discard(),
            Output.appendTo(errors));
    started.add(process);
    process.release();
    assertEquals(6, awaitExit(process));
    assertEquals("out\nerr\n", Files.readString(errors));
    try (Stream<Path> files = Files.list(sandbox)) {
      assertEquals(List.of("errors"), files.map(f -> f.getFileName().toString()).toList());
    }
  }
}
