package dev.portcullis.integration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the real launcher, {@code bin/portcullis}, as a user would: a child process whose output is
 * read, bounded in time and killed on the way out, whatever happens.
 */
final class AgentLauncher {

  /** The launcher, from the integration module's directory (where surefire runs). */
  static final Path SCRIPT = Path.of("..", "bin", "portcullis").toAbsolutePath().normalize();

  /**
   * How long one command may take. Generous: the launcher rebuilds the agent first if its sources
   * changed since the last build.
   */
  static final Duration TIMEOUT = Duration.ofMinutes(5);

  private static final Pattern LOG_LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");

  private AgentLauncher() {}

  /** What a finished command printed, and its exit status. */
  record Result(int exit, String out, String err) {
    /** Standard error without the logger's lines, which start with the time. */
    List<String> errorLines() {
      return err.lines().filter(line -> !LOG_LINE.matcher(line).lookingAt()).toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
  }

  /** Runs {@code bin/portcullis <args>} to the end. */
  static Result run(String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("portcullis-out", ".txt");
    Path err = Files.createTempFile("portcullis-err", ".txt");
    Process process = null;
    try {
      process =
          new ProcessBuilder(command(args))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new AssertionError(
            "bin/portcullis "
                + String.join(" ", args)
                + " did not finish within "
                + TIMEOUT
                + "; stderr:\n"
                + Files.readString(err));
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      if (process != null) {
        kill(process);
      }
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** A command left running, whose standard output is read line by line. */
  static final class Running implements AutoCloseable {
    private final Process process;

    /** Each line of standard output; empty once it has ended. */
    private final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();

    private Running(Process process) {
      this.process = process;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader out =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = out.readLine()) != null; ) {
                    lines.add(Optional.of(line));
                  }
                } catch (IOException closed) {
                  // The process was killed.
                } finally {
                  lines.add(Optional.empty());
                }
              },
              "bin/portcullis stdout");
      reader.setDaemon(true);
      reader.start();
    }

    /** The pid of the agent's JVM (the launcher execs it). */
    long pid() {
      return process.pid();
    }

    Process process() {
      return process;
    }

    /**
     * The next {@code count} lines of standard output.
     *
     * @throws AssertionError if they do not all come within {@link #TIMEOUT}, or output ends
     */
    List<String> lines(int count) throws InterruptedException {
      List<String> read = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (read.size() < count) {
        Optional<String> line =
            lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null || line.isEmpty()) {
          throw new AssertionError(
              (line == null ? "timed out" : "output ended")
                  + " after "
                  + read
                  + (process.isAlive() ? "" : "; exit " + process.exitValue()));
        }
        read.add(line.get());
      }
      return read;
    }

    @Override
    public void close() {
      kill(process);
    }
  }

  /** Starts {@code bin/portcullis <args>} and leaves it running; its stderr goes to the test's. */
  static Running start(String... args) {
    try {
      return new Running(
          new ProcessBuilder(command(args)).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the process and its descendants, and waits (boundedly) for it to be reaped. */
  static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(SCRIPT.toString());
    command.addAll(List.of(args));
    return command;
  }
}
