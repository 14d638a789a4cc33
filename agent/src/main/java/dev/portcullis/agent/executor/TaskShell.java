package dev.portcullis.agent.executor;

import dev.portcullis.agent.host.SearchPath;
import dev.portcullis.spawn.SpawnRequest;
import dev.portcullis.spawn.SpawnedChild;
import dev.portcullis.spawn.Spawner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a task starts, for {@code portcullis run} and the daemon alike: a shell, held until
 * released, that runs the command and, if asked, records its exit status once it exits, then exits
 * with it.
 *
 * <p>The hold lets the core move the shell into the task's container before the command runs, so
 * the command never runs outside it. The recorded status lets a restarted agent, no longer the
 * task's parent, still tell how the task ended. The command runs in a subshell, so that one named
 * like a special builtin ({@code exit}, {@code exec}) cannot end or replace the supervising shell;
 * its standard input is {@code /dev/null}. The shell runs in a session of its own: a Ctrl-C aimed
 * at the agent does not reach the task.
 *
 * <p>The shell is spawned with {@code posix_spawn(3)} where the spawner can be reached (Linux,
 * glibc 2.34 or later), which costs no thread per task: the JDK parks a reaper thread on each child
 * it starts, about 100 KiB of memory each, a thousand of them at a thousand tasks. Elsewhere the
 * JDK starts it, in its own session through {@code setsid} where installed (which execs it in
 * place, as a JVM's child leads no process group, so its pid is kept).
 */
final class TaskShell {

  private static final Logger LOG = LoggerFactory.getLogger(TaskShell.class);

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

  private TaskShell() {}

  /** The spawner, looked for once; empty where only the JDK can start processes. */
  private static final class Spawners {
    static final Optional<Spawner> BEST = find();

    private static Optional<Spawner> find() {
      try {
        return Optional.of(Spawner.get());
      } catch (IOException e) {
        LOG.debug("Task shells are started by the JDK, one reaper thread each: {}", e.getMessage());
        return Optional.empty();
      }
    }
  }

  /**
   * Starts the held shell, spawned where it can be.
   *
   * @param command what the shell runs once released
   * @param directory the working directory; must exist
   * @param exitStatusFile where the shell records the command's exit status, if anywhere; its
   *     directory must exist
   * @param environment added to the agent's own environment
   * @param output where the command's standard output goes
   * @param stdout where the shell's standard output goes
   * @param stderr where the shell's standard error goes
   * @throws IOException if the shell cannot be started
   */
  static HeldProcess start(
      List<String> command,
      Path directory,
      Optional<Path> exitStatusFile,
      Map<String, String> environment,
      Output output,
      dev.portcullis.spawn.Output stdout,
      dev.portcullis.spawn.Output stderr)
      throws IOException {
    return start(
        Spawners.BEST, command, directory, exitStatusFile, environment, output, stdout, stderr);
  }

  /** As above, by the spawner given, or by the JDK when there is none. */
  static HeldProcess start(
      Optional<Spawner> spawner,
      List<String> command,
      Path directory,
      Optional<Path> exitStatusFile,
      Map<String, String> environment,
      Output output,
      dev.portcullis.spawn.Output stdout,
      dev.portcullis.spawn.Output stderr)
      throws IOException {
    List<String> shell = new ArrayList<>();
    shell.addAll(
        List.of(
            "/bin/sh",
            "-c",
            SUPERVISE,
            "sh",
            exitStatusFile.map(Path::toString).orElse(""),
            output == Output.TO_STANDARD_ERROR ? "2" : "1"));
    shell.addAll(command);
    if (spawner.isPresent()) {
      Map<String, String> all = new HashMap<>(System.getenv());
      all.putAll(environment);
      return new Spawned(
          spawner.get().spawn(new SpawnRequest(shell, directory, all, stdout, stderr)),
          new SpawnerEnds(spawner.get()));
    }
    List<String> argv = new ArrayList<>();
    SETSID.ifPresent(setsid -> argv.add(setsid.toString()));
    argv.addAll(shell);
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .directory(directory.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(redirect(stdout))
            .redirectError(redirect(stderr));
    builder.environment().putAll(environment);
    return new Started(builder.start());
  }

  private static ProcessBuilder.Redirect redirect(dev.portcullis.spawn.Output output) {
    if (output instanceof dev.portcullis.spawn.Output.AppendTo append) {
      return ProcessBuilder.Redirect.appendTo(append.file().toFile());
    }
    return output instanceof dev.portcullis.spawn.Output.Inherit
        ? ProcessBuilder.Redirect.INHERIT
        : ProcessBuilder.Redirect.DISCARD;
  }

  /** The children a spawner has reaped: equal for the same spawner. */
  private record SpawnerEnds(Spawner spawner) implements EndCount {
    @Override
    public long ended() {
      return spawner.ended();
    }
  }

  /** A shell the spawner started: reaped by its one reaper thread. */
  private static final class Spawned implements HeldProcess {
    private final SpawnedChild child;
    private final EndCount ends;

    Spawned(SpawnedChild child, EndCount ends) {
      this.child = child;
      this.ends = ends;
    }

    @Override
    public Optional<EndCount> endCount() {
      return Optional.of(ends);
    }

    @Override
    public long pid() {
      return child.pid();
    }

    @Override
    public void release() throws IOException {
      child.release();
    }

    @Override
    public Optional<Integer> exitStatus() throws IOException {
      return child.exitStatus();
    }

    @Override
    public void destroyForcibly() {
      child.kill();
    }
  }

  /** A shell the JDK started. */
  private static final class Started implements HeldProcess {
    private final Process shell;

    Started(Process shell) {
      this.shell = shell;
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
