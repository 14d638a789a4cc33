package dev.portcullis.agent.daemon;

import dev.portcullis.agent.SearchPath;
import dev.portcullis.agent.TaskUser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A task's process as the agent daemon starts it: a shell, held until released, that runs the
 * command in the task's sandbox and, once the command exits, records its exit status and exits
 * with it.
 *
 * <p>The hold lets the agent move the shell into the task's cgroup before the command runs, so the
 * command never runs outside it. The recorded status is what lets a restarted agent, which is no
 * longer the task's parent and so cannot wait for it, still report how the task ended. The
 * command's output goes to {@code stdout} and {@code stderr} files in the sandbox, never to a pipe
 * to the agent: a task must outlive the agent's crash without a {@code SIGPIPE}. Each task runs in
 * a session of its own (through {@code setsid}, where installed), so a Ctrl-C aimed at the agent
 * does not reach it.
 *
 * <p>A task with a user owns its sandbox and output files, so that it can write there; its command
 * arrives already switched to the user (by {@link dev.portcullis.agent.TaskUsers#command}), while
 * the shell stays the agent's. The status is therefore recorded outside the sandbox: the shell
 * writing, as the agent's user, into a directory the task owns would follow whatever link the task
 * left there, and the task could forge its own status.
 */
final class TaskProcess {

  /**
   * The file, in the sandbox, where a task that runs as the agent's user records its exit status
   * (a task with a user records it beside its sandbox instead); a checkpoint that names no status
   * file, written before tasks had users, means this one.
   */
  static final String EXIT_STATUS_FILE = "exit_status";

  /**
   * Takes the status file from its first argument, reads the release line, runs the command, then
   * records its status through a rename so that a reader never sees half a number. The command
   * runs in a subshell, so that one named like a special builtin ({@code exit}, {@code exec})
   * cannot end or replace the supervising shell. If {@code read} fails the agent died before
   * releasing it: exit without running the command and without a status.
   */
  private static final String SUPERVISE =
      "f=$1; shift; read _ || exit 111; ( \"$@\" ) </dev/null; s=$?;"
          + " printf '%s\\n' \"$s\" > \"$f.tmp\" && mv -f \"$f.tmp\" \"$f\"; exit $s";

  private static final Optional<Path> SETSID = SearchPath.find("setsid");

  private final Process shell;

  private TaskProcess(Process shell) {
    this.shell = shell;
  }

  /**
   * Starts the held shell in {@code sandbox}, which must exist, and hands the sandbox to the
   * task's user if it has one.
   *
   * @param command what the shell runs once released, already switched to {@code owner}
   * @param exitStatusFile where the shell records the command's exit status; its directory must
   *     exist, and be one the task cannot write to
   * @param environment added to the agent's own environment
   * @param owner the task's user, who is to own the sandbox and its output files
   * @throws IOException if the shell cannot be started, or the sandbox cannot be handed over; no
   *     shell is left running then
   */
  static TaskProcess start(
      List<String> command,
      Path sandbox,
      Path exitStatusFile,
      Map<String, String> environment,
      Optional<TaskUser> owner)
      throws IOException {
    List<String> argv = new ArrayList<>();
    // setsid execs the shell in place (a JVM's child is no group leader), so the pid is kept.
    SETSID.ifPresent(setsid -> argv.add(setsid.toString()));
    argv.addAll(List.of("/bin/sh", "-c", SUPERVISE, "sh", exitStatusFile.toString()));
    argv.addAll(command);
    Path stdout = sandbox.resolve("stdout");
    Path stderr = sandbox.resolve("stderr");
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .directory(sandbox.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    builder.environment().putAll(environment);
    Process shell = builder.start();
    if (owner.isPresent()) {
      // Only now: the output files were opened by the agent while the sandbox was still its own,
      // so no link the user could have put there was followed.
      try {
        for (Path path : List.of(stdout, stderr, sandbox)) {
          chown(path, owner.get());
        }
      } catch (IOException | RuntimeException e) {
        shell.destroyForcibly();
        throw new IOException(
            "cannot give the sandbox " + sandbox + " to user " + owner.get().name() + ": " + e, e);
      }
    }
    return new TaskProcess(shell);
  }

  private static void chown(Path path, TaskUser owner) throws IOException {
    // By number: the user was resolved once, and a name could map elsewhere by now. The casts
    // keep the bits of ids above 2^31, which uid_t holds.
    Files.setAttribute(path, "unix:uid", (int) owner.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", (int) owner.gid(), LinkOption.NOFOLLOW_LINKS);
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
