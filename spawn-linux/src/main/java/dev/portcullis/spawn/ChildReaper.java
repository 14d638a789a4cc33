package dev.portcullis.spawn;

import dev.portcullis.spawn.ffi.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * The spawner's one reaping thread. It sleeps in {@code waitid(P_ALL, WEXITED | WNOWAIT)}, which
 * returns once any child of this JVM has exited without reaping it, then reaps that child with
 * {@code waitpid(2)} if it is one of the spawner's. Any other child is the JDK's, whose own reaper
 * thread reaps it by pid; this thread only looks again a moment later.
 *
 * <p>The lock of this object guards the children; a child's own lock is taken, after this one is
 * released, around reaping it, so that it is never signalled once reaped.
 */
final class ChildReaper implements Runnable {

  private static final int P_ALL = 0;
  private static final int WNOHANG = 1;
  private static final int WEXITED = 4;
  private static final int WNOWAIT = 0x01000000;
  private static final int EINTR = 4;
  private static final int ECHILD = 10;

  /** {@code sizeof(siginfo_t)} on Linux, and the offset of {@code si_pid} in it. */
  private static final int SIGINFO_SIZE = 128;

  private static final int SI_PID_OFFSET = 16;

  /** How long to let the JDK reap a child of its own that sits first among the exited ones. */
  private static final long FOREIGN_PAUSE_MILLIS = 2;

  private final Binding binding;
  private final Map<Integer, SpawnedChild> children = new HashMap<>(); // guarded by this
  private Thread thread; // guarded by this; started with the first child
  private long ended; // guarded by this: children reaped or lost so far

  ChildReaper(Binding binding) {
    this.binding = binding;
  }

  /** Adds a child just started; the caller holds this lock from the spawn to here. */
  synchronized void adopt(SpawnedChild child) {
    children.put((int) child.pid(), child);
    if (thread == null) {
      thread = new Thread(this, "portcullis-reaper");
      thread.setDaemon(true);
      thread.start();
    }
    notifyAll();
  }

  /** The number of children not reaped yet. */
  synchronized int unreaped() {
    return children.size();
  }

  @Override
  public void run() {
    LibC libc = binding.libc();
    byte[] info = new byte[SIGINFO_SIZE];
    ByteBuffer view = ByteBuffer.wrap(info).order(ByteOrder.nativeOrder());
    while (true) {
      try {
        awaitChildren();
      } catch (InterruptedException e) {
        return;
      }
      if (libc.waitid(P_ALL, 0, info, WEXITED | WNOWAIT) != 0) {
        int errno = binding.errno();
        if (errno == ECHILD) {
          loseAll("it was reaped by another waiter in this process");
        } else if (errno != EINTR) {
          pause();
        }
        continue;
      }
      int pid = view.getInt(SI_PID_OFFSET);
      SpawnedChild child;
      synchronized (this) {
        child = children.get(pid);
      }
      if (child == null) {
        pause();
        continue;
      }
      synchronized (child) {
        int[] status = new int[1];
        if (libc.waitpid(pid, status, WNOHANG) == pid) {
          child.exited(status[0]);
        } else {
          child.lost("waitpid failed: " + binding.describe(binding.errno()));
        }
      }
      synchronized (this) {
        children.remove(pid);
        ended++;
      }
    }
  }

  /**
   * How many children have been reaped or lost so far. It grows only once the child's status says
   * so, so that a caller that reads the same count twice knows that no child's status changed in
   * between.
   */
  synchronized long ended() {
    return ended;
  }

  private synchronized void awaitChildren() throws InterruptedException {
    while (children.isEmpty()) {
      wait();
    }
  }

  /** No child is left to wait for, though some were never reaped here. */
  private void loseAll(String why) {
    Map<Integer, SpawnedChild> gone;
    synchronized (this) {
      gone = new HashMap<>(children);
      children.clear();
    }
    for (SpawnedChild child : gone.values()) {
      synchronized (child) {
        child.lost(why);
      }
    }
    synchronized (this) {
      ended += gone.size();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(FOREIGN_PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
