package dev.portcullis.testkit.linux;

import dev.portcullis.linux.Signals;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real process that listens on real sockets: a small Python script, so that it starts in a few
 * milliseconds and can fork. Closing it kills it and every process it forked, and waits for them.
 *
 * <pre>{@code
 * try (Listener listener = Listener.builder().tcp4("0.0.0.0", port).start()) {
 *   long pid = listener.pid();
 * }
 * }</pre>
 */
public final class Listener implements AutoCloseable {

  private static final Path SCRIPT = extractScript();

  private final Process process;
  private final List<Long> pids;
  private final OutputStream stdin;

  private Listener(Process process, List<Long> pids) {
    this.process = process;
    this.pids = List.copyOf(pids);
    this.stdin = process.getOutputStream();
  }

  /** {@return a builder for a listener with no sockets yet} */
  public static Builder builder() {
    return new Builder();
  }

  private static Path extractScript() {
    try (InputStream in = Listener.class.getResourceAsStream("listener.py")) {
      if (in == null) {
        throw new IllegalStateException("listener.py is missing from the testkit-linux jar");
      }
      Path script = Files.createTempFile("portcullis-listener", ".py");
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      script.toFile().deleteOnExit();
      return script;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String python() {
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  /**
   * {@return the pid of the process started} With {@link Builder#forkChain()} it is soon gone, and
   * the sockets are held by the processes it forked.
   */
  public long pid() {
    return pids.get(0);
  }

  /**
   * {@return the pids reported ready: the process, then (with {@link Builder#forked()}) the child
   * that holds the sockets}
   */
  public List<Long> pids() {
    return pids;
  }

  /**
   * {@return the pid that holds the sockets: the forked child when forked, else the process itself}
   * With {@link Builder#forkChain()} this is the first process, which soon hands them on.
   */
  public long holder() {
    return pids.get(pids.size() - 1);
  }

  /**
   * {@return whether the process started is still alive} A forked child that holds the sockets is
   * not considered.
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process and every descendant, and waits for the process to be reaped. */
  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>();
    process.toHandle().descendants().forEach(all::add);
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroyForcibly);
    pids.forEach(Signals::kill);
    try {
      stdin.close();
    } catch (IOException ignored) {
      // The process is being killed; a broken pipe is expected.
    }
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      // The forked children are not ours to reap; they are gone once they are zombies, which
      // have released their sockets already.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      for (ProcessHandle handle : all) {
        while (isRunning(handle.pid()) && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * {@return whether the process exists and is not a zombie (a zombie has released its sockets), as
   * {@code /proc/<pid>/stat} tells}
   *
   * @param pid any process, a child of this JVM or not
   */
  public static boolean isRunning(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The state follows the command name, which is in parentheses and may contain spaces.
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | IndexOutOfBoundsException gone) {
      return false;
    }
  }

  /** Describes the sockets and the shape of a listener process. */
  public static final class Builder {
    private final List<String> specs = new ArrayList<>();
    private String mode;
    private boolean waitForGo;

    private Builder() {}

    /**
     * Adds a TCP listener on an IPv4 address ({@code 0.0.0.0} for the wildcard).
     *
     * @param address the literal IPv4 address to bind
     * @param port the port to bind, with {@code SO_REUSEADDR}
     * @return this builder
     */
    public Builder tcp4(String address, int port) {
      specs.add("tcp,4," + address + "," + port);
      return this;
    }

    /**
     * Adds a TCP listener on an IPv6 address; dual-stack unless {@code v6only}.
     *
     * @param address the literal IPv6 address to bind ({@code ::} for the wildcard)
     * @param port the port to bind, with {@code SO_REUSEADDR}
     * @param v6only whether the socket sets {@code IPV6_V6ONLY}, so that it takes no IPv4 traffic
     * @return this builder
     */
    public Builder tcp6(String address, int port, boolean v6only) {
      specs.add("tcp,6," + address + "," + port + (v6only ? ",v6only" : ""));
      return this;
    }

    /**
     * Adds a bound UDP socket on an IPv4 address.
     *
     * @param address the literal IPv4 address to bind ({@code 0.0.0.0} for the wildcard)
     * @param port the port to bind, with {@code SO_REUSEADDR}
     * @return this builder
     */
    public Builder udp4(String address, int port) {
      specs.add("udp,4," + address + "," + port);
      return this;
    }

    /**
     * Adds a bound UDP socket on an IPv6 address; dual-stack unless {@code v6only}.
     *
     * @param address the literal IPv6 address to bind ({@code ::} for the wildcard)
     * @param port the port to bind, with {@code SO_REUSEADDR}
     * @param v6only whether the socket sets {@code IPV6_V6ONLY}, so that it takes no IPv4 traffic
     * @return this builder
     */
    public Builder udp6(String address, int port, boolean v6only) {
      specs.add("udp,6," + address + "," + port + (v6only ? ",v6only" : ""));
      return this;
    }

    /**
     * Opens the sockets in a forked child; the process itself holds none. This and {@link
     * #forkChain()} replace each other: the last call counts.
     *
     * @return this builder
     */
    public Builder forked() {
      mode = "--fork";
      return this;
    }

    /**
     * Opens the sockets, then keeps forking: each child replaces its parent, so the holder's pid
     * changes every few milliseconds. Only {@link #pid()} of the first process is known. The chain
     * ends by itself after two minutes. This and {@link #forked()} replace each other: the last
     * call counts.
     *
     * @return this builder
     */
    public Builder forkChain() {
      mode = "--fork-chain";
      return this;
    }

    /**
     * Starts the process but opens nothing until {@link Started#go()}: the test can move it into a
     * cgroup first, so that its sockets are created there. Start such a process with {@link
     * #startProcess()}: {@link #start()} would wait for sockets that are never opened.
     *
     * @return this builder
     */
    public Builder waitForGo() {
      waitForGo = true;
      return this;
    }

    /**
     * Starts the listener and waits, up to 20 seconds, until its sockets are open.
     *
     * @return the listener, its sockets open
     * @throws IllegalStateException if it fails, such as when a socket cannot be bound, or is not
     *     ready in time; the process is killed
     * @throws UncheckedIOException if {@code python3} cannot be started
     */
    public Listener start() {
      return startProcess().awaitReady();
    }

    /**
     * Starts the process; with {@link #waitForGo()}, call {@link Started#go()} next.
     *
     * @return the started process, which may not have opened its sockets yet
     * @throws UncheckedIOException if {@code python3} cannot be started
     */
    public Started startProcess() {
      List<String> command = new ArrayList<>(List.of(python(), SCRIPT.toString()));
      if (waitForGo) {
        command.add("--wait");
      }
      if (mode != null) {
        command.add(mode);
      }
      command.addAll(specs);
      try {
        Process process =
            new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Started(process, String.join(" ", command));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start " + command, e);
      }
    }
  }

  /** A listener process that has started but may not have opened its sockets yet. */
  public static final class Started {
    private final Process process;
    private final String command;

    private Started(Process process, String command) {
      this.process = process;
      this.command = command;
    }

    /** {@return the pid of the process} */
    public long pid() {
      return process.pid();
    }

    /**
     * Tells a {@link Builder#waitForGo()} process to open its sockets, and waits, up to 20 seconds,
     * until it has.
     *
     * @return the listener, its sockets open
     * @throws UncheckedIOException if the process died before it could be told; it is killed
     * @throws IllegalStateException if it fails, such as when a socket cannot be bound, or is not
     *     ready in time; the process is killed
     */
    public Listener go() {
      try {
        process.getOutputStream().write('\n');
        process.getOutputStream().flush();
      } catch (IOException e) {
        kill();
        throw new UncheckedIOException("The listener died before go: " + command, e);
      }
      return awaitReady();
    }

    /** Kills the process without waiting for it to be ready. */
    public void kill() {
      process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }

    private Listener awaitReady() {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> line =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return out.readLine();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      String ready;
      try {
        ready = line.get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        kill();
        throw new IllegalStateException("The listener did not get ready: " + command, e);
      }
      if (ready == null || !ready.startsWith("ready ")) {
        kill();
        throw new IllegalStateException(
            "The listener failed (" + ready + "); see its stderr above: " + command);
      }
      List<Long> pids =
          Arrays.stream(ready.substring(6).trim().split(" "))
              .map(Long::parseLong)
              .collect(Collectors.toList());
      return new Listener(process, pids);
    }
  }
}
