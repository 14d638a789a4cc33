package dev.portcullis.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The task's command, started held: a shell that waits for one line on its standard input, then
 * replaces itself with the command. Between the two the shell can be moved into the task's cgroup,
 * so the command never runs outside it, not even for an instant, and every process it forks is born
 * inside.
 *
 * <p>The command's standard input is {@code /dev/null} and its standard output goes to standard
 * error, because standard output carries only status updates. It runs in a session of its own
 * (through {@code setsid}, where installed), as Mesos tasks do: a Ctrl-C at the terminal then
 * reaches {@code portcullis run}, which kills the task and reports it killed, rather than reaching
 * the task directly and racing that report with the task's own exit.
 */
final class HeldTask {

  /** If {@code read} fails, {@code portcullis run} is gone: exit without running the command. */
  private static final String HOLD_THEN_EXEC = "read _ && exec \"$@\" </dev/null >&2";

  private static final Optional<Path> SETSID = SearchPath.find("setsid");

  private final Process shell;
  private final CompletableFuture<Integer> exit;

  private HeldTask(Process shell) {
    this.shell = shell;
    this.exit = shell.onExit().thenApply(Process::exitValue);
  }

  /**
   * Starts the held shell.
   *
   * @throws IOException if {@code /bin/sh} cannot be started
   */
  static HeldTask start(List<String> command) throws IOException {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", HOLD_THEN_EXEC, "sh"));
    SETSID.ifPresent(
        setsid -> {
          argv.add(setsid.toString());
          // setsid forks only for a process group leader, which a JVM's child is not; --wait
          // keeps the task's pid and exit status right should it ever have to.
          argv.add("--wait");
          argv.add("--");
        });
    argv.addAll(command);
    Process shell =
        new ProcessBuilder(argv)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            // The shell writes nothing before exec, and exec points the command's output at
            // standard error; so nothing is lost, and standard output stays status-only.
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    return new HeldTask(shell);
  }

  /** Whether the task will get a session of its own. */
  static boolean runsInOwnSession() {
    return SETSID.isPresent();
  }

  /** The pid of the shell, which becomes the command's pid on release. */
  long pid() {
    return shell.pid();
  }

  /**
   * Lets the shell execute the command.
   *
   * @throws IOException if the shell has already exited
   */
  void release() throws IOException {
    try (OutputStream stdin = shell.getOutputStream()) {
      stdin.write('\n');
    }
  }

  /** Completes with the exit status once the process has exited (and been reaped). */
  CompletableFuture<Integer> exit() {
    return exit;
  }

  /** Kills the shell or the command it became, without waiting. */
  void destroyForcibly() {
    shell.destroyForcibly();
  }

  /** Waits at most {@code bound} for the process to exit; whether it did. */
  boolean awaitExit(Duration bound) throws InterruptedException {
    return shell.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
  }
}
