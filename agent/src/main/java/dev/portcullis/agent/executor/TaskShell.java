package dev.portcullis.agent.executor;

import dev.portcullis.agent.host.SearchPath;
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
 * The one way a task starts, for {@code portcullis run} and the daemon alike: a shell, held until
 * released, that runs the command and, if asked, records its exit status once it exits, then exits
 * with it.
 *
 * <p>The hold lets the core move the shell into the task's container before the command runs, so
 * the command never runs outside it. The recorded status lets a restarted agent, no longer the
 * task's parent, still tell how the task ended. The command runs in a subshell, so that one named
 * like a special builtin ({@code exit}, {@code exec}) cannot end or replace the supervising shell;
 * its standard input is {@code /dev/null}. The shell runs in a session of its own, through {@code
 * setsid} where installed (which execs it in place, as a JVM's child leads no process group, so its
 * pid is kept): a Ctrl-C aimed at the agent does not reach the task.
 */
final class TaskShell implements HeldProcess {

  /** Where the command's standard output goes. */
  enum Output {
    /** To the shell's standard output, as the launcher redirected it. */
    AS_REDIRECTED,
    /** To the shell's standard error, keeping the agent's standard output for status updates. */
    TO_STANDARD_ERROR
  }

  /**
   * Takes the status file (empty for none) and the output choice from its first arguments, reads
   * the release line, runs the command, then records its status through a rename so that a reader
   * never sees half a number. If {@code read} fails the agent went away before releasing it: exit
   * without running the command and without a status.
   */
  private static final String SUPERVISE =
      "f=$1; e=$2; shift 2; read _ || exit 111; if [ \"$e\" = 2 ]; then ( \"$@\" ) </dev/null >&2;"
          + " else ( \"$@\" ) </dev/null; fi; s=$?; [ -z \"$f\" ] || { printf '%s\\n"
          + "' \"$s\" > \"$f.tmp\" && mv -f \"$f.tmp\" \"$f\"; }; exit $s";

  private static final Optional<Path> SETSID = SearchPath.find("setsid");

  private final Process shell;

  private TaskShell(Process shell) {
    this.shell = shell;
  }

  /**
   * Starts the held shell.
   *
   * @param command what the shell runs once released
   * @param directory the working directory; must exist
   * @param exitStatusFile where the shell records the command's exit status, if anywhere; its
   *     directory must exist
   * @param environment added to the agent's own environment
   * @param builder how the shell's input is not, and its output and error are, redirected
   * @throws IOException if the shell cannot be started
   */
  static TaskShell start(
      List<String> command,
      Path directory,
      Optional<Path> exitStatusFile,
      Map<String, String> environment,
      Output output,
      ProcessBuilder builder)
      throws IOException {
    List<String> argv = new ArrayList<>();
    SETSID.ifPresent(setsid -> argv.add(setsid.toString()));
    argv.addAll(
        List.of(
            "/bin/sh",
            "-c",
            SUPERVISE,
            "sh",
            exitStatusFile.map(Path::toString).orElse(""),
            output == Output.TO_STANDARD_ERROR ? "2" : "1"));
    argv.addAll(command);
    builder.command(argv).directory(directory.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().putAll(environment);
    return new TaskShell(builder.start());
  }

  @Override
  public long pid() {
    return shell.pid();
  }

  @Override
  public void release() throws IOException {
    try (OutputStream stdin = shell.getOutputStream()) {
      stdin.write('\n');
    }
  }

  @Override
  public Optional<Integer> exitStatus() {
    return shell.isAlive() ? Optional.empty() : Optional.of(shell.exitValue());
  }

  @Override
  public void destroyForcibly() {
    shell.destroyForcibly();
  }

  /**
   * The exit status recorded in {@code file}, if the command has exited.
   *
   * @throws IOException if the file exists but cannot be read or holds no status
   */
  static Optional<Integer> recordedExitStatus(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(text.strip()));
    } catch (NumberFormatException e) {
      throw new IOException(
          "the exit status file " + file + " holds '" + text.strip() + "', not a status");
    }
  }
}
