package dev.portcullis.cgroups.v1;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.testkit.linux.Listener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Starting real processes inside a container, and telling when they are gone. */
final class TestProcesses {

  private TestProcesses() {}

  /**
   * Starts a listener inside the container: placed before it opens anything or forks, so that
   * everything it does happens in the container's cgroup.
   */
  static Listener startIn(ProcessTracker tracker, ContainerId container, Listener.Builder builder)
      throws IOException {
    Listener.Started started = builder.waitForGo().startProcess();
    try {
      tracker.place(container, started.pid());
    } catch (IOException | RuntimeException e) {
      started.kill();
      throw e;
    }
    return started.go();
  }

  /**
   * Whether the process has exited: no longer in {@code /proc}, or a zombie. An orphan's zombie
   * lingers until init reaps it, which on these machines happens in batches.
   */
  static boolean isGone(long pid) throws IOException {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (NoSuchFileException exited) {
      return true;
    }
  }

  /** Waits up to two seconds for every process to be gone; whether they are. */
  static boolean awaitGone(Collection<Long> pids) throws IOException, InterruptedException {
    for (int i = 0; i < 200; i++) {
      boolean all = true;
      for (long pid : pids) {
        all &= isGone(pid);
      }
      if (all) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  /** Waits up to two seconds for the listener's own process to be reaped by the JVM. */
  static boolean awaitDead(Listener listener) throws InterruptedException {
    for (int i = 0; i < 200 && listener.isAlive(); i++) {
      Thread.sleep(10);
    }
    return !listener.isAlive();
  }

  /**
   * A process outside every test cgroup with one child that it never reaps, so that the child
   * stays a zombie once killed. Closing it ends the parent; init reaps the orphan.
   */
  static final class UnreapedChild implements AutoCloseable {
    private static final String SCRIPT =
        "import os, sys, time\n"
            + "pid = os.fork()\n"
            + "if pid == 0:\n"
            + "    time.sleep(60)\n"
            + "    os._exit(0)\n"
            + "print(pid, flush=True)\n"
            + "sys.stdin.read()\n";

    private final Process parent;
    private final long child;

    private UnreapedChild(Process parent, long child) {
      this.parent = parent;
      this.child = child;
    }

    static UnreapedChild start() throws IOException {
      Process parent =
          new ProcessBuilder(List.of("python3", "-c", SCRIPT))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try {
        String line =
            new BufferedReader(
                    new InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        return new UnreapedChild(parent, Long.parseLong(line.trim()));
      } catch (IOException | RuntimeException e) {
        parent.destroyForcibly();
        throw e;
      }
    }

    long child() {
      return child;
    }

    @Override
    public void close() {
      Set<ProcessHandle> all = new HashSet<>();
      parent.descendants().forEach(all::add);
      all.forEach(ProcessHandle::destroyForcibly);
      parent.destroyForcibly();
      try {
        parent.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
