package dev.portcullis.bpf;

import dev.portcullis.linux.CgroupTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A task process in a guarded cgroup ({@code task.py}): it is started outside, {@linkplain #join
 * moved in} by the test, and only then makes sockets, one command at a time. Closing kills it.
 */
final class Task implements AutoCloseable {

  private static final Path SCRIPT = extract();

  private final Process process;
  private final BufferedReader out;
  private final Writer in;

  private Task(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  private static Path extract() {
    try (InputStream script = Task.class.getResourceAsStream("task.py")) {
      Path file = Files.createTempFile("portcullis-bpf-task", ".py");
      Files.copy(script, file, StandardCopyOption.REPLACE_EXISTING);
      // Readable by the unprivileged tasks too.
      file.toFile().setReadable(true, false);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a task as root. */
  static Task start() throws IOException {
    return start(OptionalInt.empty());
  }

  /** Starts a task that drops to {@code uid} (and the same gid) first. */
  static Task start(OptionalInt uid) throws IOException {
    List<String> command = new ArrayList<>(List.of("python3", SCRIPT.toString()));
    uid.ifPresent(u -> command.addAll(List.of("--uid", Integer.toString(u))));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Task task = new Task(process);
    try {
      String ready = task.line();
      if (ready == null || !ready.startsWith("ready ")) {
        throw new IOException("task.py did not start: " + ready);
      }
      return task;
    } catch (IOException | RuntimeException e) {
      task.close();
      throw e;
    }
  }

  long pid() {
    return process.pid();
  }

  /** Moves the task into the cgroup directory {@code dir}, as root. */
  Task join(Path dir) throws IOException {
    CgroupTree.addProcess(dir, pid());
    return this;
  }

  private String line() throws IOException {
    CompletableFuture<String> next =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.readLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      return next.get(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("task.py did not answer within 20 s");
    }
  }

  /**
   * Runs one command; its answer line, or null when the task died before answering (as the listen
   * check makes it).
   */
  String send(String command) throws IOException {
    in.write(command + "\n");
    try {
      in.flush();
    } catch (IOException dead) {
      return null;
    }
    return line();
  }

  /** {@code bind PROTO FAMILY ADDR PORT}: {@code ok <port>} or {@code err <ERRNO>}. */
  String bind(String protocol, String family, String address, int port) throws IOException {
    return send(String.join(" ", "bind", protocol, family, address, Integer.toString(port)));
  }

  /** Whether the task has exited within {@code seconds}, and so its exit code is known. */
  boolean exited(int seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  /** The exit code: 128 + the signal for a task killed by one. */
  int exitCode() {
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
