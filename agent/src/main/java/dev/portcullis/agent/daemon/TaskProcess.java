package dev.portcullis.agent.daemon;

import dev.portcullis.agent.SearchPath;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A task's process as the agent daemon starts it: a shell, held until released, that runs the
 * command in the task's sandbox and, once the command exits, records its exit status in the sandbox
 * and exits with it.
 *
 * <p>The hold lets the agent move the shell into the task's cgroup before the command runs, so the
 * command never runs outside it. The recorded status is what lets a restarted agent, which is no
 * longer the task's parent and so cannot wait for it, still report how the task ended. The
 * command's output goes to {@code stdout} and {@code stderr} files in the sandbox, never to a pipe
 * to the agent: a task must outlive the agent's crash without a {@code SIGPIPE}. Each task runs in
 * a session of its own (through {@code setsid}, where installed), so a Ctrl-C aimed at the agent
 * does not reach it.
 */
final class TaskProcess {

  /** The file, in the sandbox, where the exit status is recorded. */
  static final String EXIT_STATUS_FILE = "exit_status";

  /**
   * Reads the release line, runs the command, then records its status through a rename so that a
   * reader never sees half a number. The command runs in a subshell, so that one named like a
   * special builtin ({@code exit}, {@code exec}) cannot end or replace the supervising shell. If
   * {@code read} fails the agent died before releasing it: exit without running the command and
   * without a status.
   */
  private static final String SUPERVISE =
      "read _ || exit 111; ( \"$@\" ) </dev/null; s=$?; printf '%s\\n' \"$s\" > "
          + EXIT_STATUS_FILE
          + ".tmp && mv -f "
          + EXIT_STATUS_FILE
          + ".tmp "
          + EXIT_STATUS_FILE
          + "; exit $s";

  private static final Optional<Path> SETSID = SearchPath.find("setsid");

  private final Process shell;

  private TaskProcess(Process shell) {
    this.shell = shell;
  }

  /**
   * Starts the held shell in {@code sandbox}, which must exist.
   *
   * @param environment added to the agent's own environment
   * @throws IOException if the shell cannot be started
   */
  static TaskProcess start(List<String> command, Path sandbox, Map<String, String> environment)
      throws IOException {
    List<String> argv = new ArrayList<>();
    // setsid execs the shell in place (a JVM's child is no group leader), so the pid is kept.
    SETSID.ifPresent(setsid -> argv.add(setsid.toString()));
    argv.addAll(List.of("/bin/sh", "-c", SUPERVISE, "sh"));
    argv.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .directory(sandbox.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(sandbox.resolve("stdout").toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(sandbox.resolve("stderr").toFile()));
    builder.environment().putAll(environment);
    return new TaskProcess(builder.start());
  }

  long pid() {
    return shell.pid();
  }

  /**
   * Lets the shell run the command. Never called after {@link #destroyForcibly()}, which closes
   * the shell's input: the line would then be lost without an error.
   *
   * @throws IOException if the shell has already exited on its own
   */
  void release() throws IOException {
    try (OutputStream stdin = shell.getOutputStream()) {
      stdin.write('\n');
    }
  }

  /** The shell's exit status (the command's), once it has exited and been reaped. */
  Optional<Integer> exitStatus() {
    return shell.isAlive() ? Optional.empty() : Optional.of(shell.exitValue());
  }

  /** Kills the shell if it is still alive, as for a shell that could not be confined. */
  void destroyForcibly() {
    shell.destroyForcibly();
  }

  /**
   * The exit status recorded in a sandbox, if the command exited there.
   *
   * @throws IOException if the file exists but cannot be read or holds no status
   */
  static Optional<Integer> recordedExitStatus(Path sandbox) throws IOException {
    String text;
    try {
      text = Files.readString(sandbox.resolve(EXIT_STATUS_FILE), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(text.strip()));
    } catch (NumberFormatException e) {
      throw new IOException(
          "the exit status file in " + sandbox + " holds '" + text.strip() + "', not a status");
    }
  }
}
