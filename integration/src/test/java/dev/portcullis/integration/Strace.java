package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.portcullis.testkit.linux.LinuxRootCondition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * strace(1) attached to a running agent, to see its durable writes, or to SIGKILL it on entry to
 * the n-th one: the kernel's own kill, at an exact point, with nothing in the agent's code to help.
 * strace counts each thread's calls apart from the moment it attaches, and the agent's core thread
 * makes every write of the checkpoint and of the update log, so a point is a system call and its
 * number on that thread after attaching.
 */
final class Strace implements AutoCloseable {

  /**
   * The calls that make the agent's writes durable: forcing a file, and replacing the checkpoint.
   */
  enum Call {
    FSYNC,
    FDATASYNC,
    RENAME;

    String syscall() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** SIGKILL on entry to the {@code number}-th {@code call} of a thread, before it runs. */
  record Point(Call call, int number) {
    @Override
    public String toString() {
      return call.syscall() + " #" + number;
    }
  }

  private static final Pattern LINE =
      Pattern.compile("^(\\d+)\\s+\\d+\\.\\d+\\s+(fsync|fdatasync|rename)\\((.*)$");

  private final Process process;

  private Strace(Process process) {
    this.process = process;
  }

  /** Fails, or skips outside CI, when strace is not installed. */
  static void require() throws InterruptedException {
    try {
      Process probe =
          new ProcessBuilder("strace", "-V")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
        return;
      }
    } catch (IOException e) {
      // Not installed: said below.
    }
    String why = "strace is not installed (Debian package strace)";
    if ("1".equals(System.getenv(LinuxRootCondition.REQUIRE_VARIABLE))) {
      fail(why);
    }
    abort(why);
  }

  /**
   * Attaches to every thread of {@code pid}, tracing its durable writes into {@code trace} and
   * killing it at {@code crash}, if given; returns once every thread is traced.
   */
  static Strace attach(long pid, Path trace, Optional<Point> crash) throws InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "strace",
                "-f",
                "-qq",
                "-ttt",
                "-o",
                trace.toString(),
                "-e",
                "trace=fsync,fdatasync,rename"));
    crash.ifPresent(
        point ->
            command.addAll(
                List.of(
                    "-e",
                    "inject="
                        + point.call().syscall()
                        + ":signal=SIGKILL:when="
                        + point.number())));
    command.addAll(List.of("-p", Long.toString(pid)));
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Strace strace = new Strace(process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!strace.tracesEveryThreadOf(pid)) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        strace.close();
        throw new AssertionError("strace did not attach to every thread of " + pid);
      }
      Thread.sleep(20);
    }
    return strace;
  }

  private boolean tracesEveryThreadOf(long pid) {
    String tracer = "TracerPid:\t" + process.pid();
    try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path thread : threads.toList()) {
        if (Files.readAllLines(thread.resolve("status")).stream().noneMatch(tracer::equals)) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits for strace to end, as it does once the process it traces is gone. */
  boolean awaitExit() throws InterruptedException {
    return process.waitFor(60, TimeUnit.SECONDS);
  }

  /**
   * Detaches (SIGTERM): the process goes on untraced. An interrupt while it waits for strace to end
   * ends the wait and is kept for the caller.
   */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The points that leave a different state behind, among the core thread's calls in a trace: every
   * rename of the checkpoint (before it the old one stands), every force of the update log (its
   * record is written, not yet published), and every force of the work directory after a rename
   * (the new checkpoint stands). A force of the checkpoint's temporary file leaves what the rename
   * after it leaves, and is not crashed at.
   */
  static List<Point> crashPoints(Path trace) throws IOException {
    List<String[]> calls = new ArrayList<>();
    String core = null;
    for (String line : Files.readAllLines(trace, StandardCharsets.UTF_8)) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        calls.add(new String[] {m.group(1), m.group(2)});
        if (core == null && m.group(2).equals("rename") && m.group(3).contains("checkpoint")) {
          core = m.group(1);
        }
      }
    }
    assertTrue(core != null, "no thread renamed the checkpoint in " + trace);
    int[] seen = new int[Call.values().length];
    List<Point> points = new ArrayList<>();
    Call previous = null;
    for (String[] call : calls) {
      if (!call[0].equals(core)) {
        continue;
      }
      Call now = Call.valueOf(call[1].toUpperCase(Locale.ROOT));
      int number = ++seen[now.ordinal()];
      if (now != Call.FSYNC || previous == Call.RENAME) {
        points.add(new Point(now, number));
      }
      previous = now;
    }
    return points;
  }
}
