package dev.portcullis.testkit.linux;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Starting real processes inside a container through a process tracker, and telling when they are
 * gone: shared by the tests of both trackers and of the isolator on a real host.
 */
public final class TestProcesses {

  private TestProcesses() {}

  /**
   * Starts a listener inside the container: placed before it opens anything or forks, so that
   * everything it does happens in the container's cgroup.
   *
   * @param tracker the tracker that places the process
   * @param container a container whose cgroup exists
   * @param builder the listener to start; this sets its {@link Listener.Builder#waitForGo()}
   * @return the listener, its sockets open
   * @throws IOException if the tracker cannot place the process; the process is killed
   */
  public static Listener startIn(
      ProcessTracker tracker, ContainerId container, Listener.Builder builder) throws IOException {
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
   *
   * @param pid any process, a child of this JVM or not
   * @return whether it is gone, as {@link Listener#isRunning} tells
   */
  public static boolean isGone(long pid) {
    return !Listener.isRunning(pid);
  }

  /**
   * Waits up to two seconds for every process to be gone, as {@link #isGone} tells.
   *
   * @param pids the processes to wait for
   * @return whether they are all gone
   * @throws IOException not thrown: nothing the wait does can fail with it
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  public static boolean awaitGone(Collection<Long> pids) throws IOException, InterruptedException {
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

  /**
   * Waits up to two seconds for the listener's own process to be reaped by the JVM. Its forked
   * children are not waited for: see {@link #awaitGone}.
   *
   * @param listener the listener whose process should end
   * @return whether its process has ended
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  public static boolean awaitDead(Listener listener) throws InterruptedException {
    for (int i = 0; i < 200 && listener.isAlive(); i++) {
      Thread.sleep(10);
    }
    return !listener.isAlive();
  }

  /**
   * A process outside every test cgroup with one child that it never reaps, so that the child stays
   * a zombie once killed. Closing it ends the parent; init reaps the orphan.
   */
  public static final class UnreapedChild implements AutoCloseable {
    private static final String SCRIPT =
        """
        import os, sys, time
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        print(pid, flush=True)
        sys.stdin.read()
        """;

    private final Process parent;
    private final long child;

    private UnreapedChild(Process parent, long child) {
      this.parent = parent;
      this.child = child;
    }

    /**
     * Starts the parent and waits until it reports its child's pid. The child sleeps for a minute,
     * unless it is killed first.
     *
     * @return the running parent and its child
     * @throws IOException if {@code python3} cannot be started or its output cannot be read; the
     *     parent is killed
     */
    public static UnreapedChild start() throws IOException {
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

    /** {@return the pid of the child, which the parent never reaps} */
    public long child() {
      return child;
    }

    /**
     * Kills the parent and the child, if it still runs, and waits up to ten seconds for the parent.
     */
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
