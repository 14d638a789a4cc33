package dev.portcullis.spawn;

import dev.portcullis.spawn.ffi.LibC;
import java.io.IOException;
import java.util.Optional;

/**
 * A child of the spawner, held until {@linkplain #release() released}. The spawner's reaper reaps
 * it as soon as it exits, whether or not anyone still asks: a child dropped by its owner leaves no
 * zombie behind.
 *
 * <p>Its pid is signalled only while it is still an unreaped child, so a pid the kernel has since
 * given to another process is never touched. Safe for use by several threads.
 */
public final class SpawnedChild {

  private static final int SIGKILL = 9;
  private static final int EINTR = 4;
  private static final int EPIPE = 32;
  private static final byte[] RELEASE = {'\n'};

  private final Binding binding;
  private final int pid;
  private int input; // guarded by this; -1 once closed
  private Integer status; // guarded by this; null until reaped
  private String lost; // guarded by this; why the status cannot be known, if it cannot

  SpawnedChild(Binding binding, int pid, int input) {
    this.binding = binding;
    this.pid = pid;
    this.input = input;
  }

  /** {@return the child's pid} */
  public long pid() {
    return pid;
  }

  /**
   * Writes one line to the child's standard input and closes it: the held child goes on.
   *
   * @throws IOException if the child has already exited, or was released or killed before
   */
  public synchronized void release() throws IOException {
    if (input < 0) {
      throw new IOException("process " + pid + " was already released or killed");
    }
    LibC libc = binding.libc();
    try {
      long written;
      int errno;
      do {
        written = libc.write(input, RELEASE, RELEASE.length);
        errno = written < 0 ? binding.errno() : 0;
      } while (written < 0 && errno == EINTR);
      if (written < 0) {
        throw new IOException(
            errno == EPIPE
                ? "process " + pid + " exited before it was released"
                : "cannot release process " + pid + ": " + binding.describe(errno));
      }
    } finally {
      closeInput();
    }
  }

  /**
   * {@return the child's exit status once it has exited and been reaped: its exit code, or 128 plus
   * the number of the signal that killed it, as {@link Process#exitValue()} gives it} Never blocks,
   * and makes no system call.
   *
   * @throws IOException if the status can never be known: something else in this process reaped the
   *     child (a wait for any child, or {@code SIGCHLD} ignored)
   */
  public synchronized Optional<Integer> exitStatus() throws IOException {
    if (lost != null) {
      throw new IOException("cannot tell how process " + pid + " exited: " + lost);
    }
    return Optional.ofNullable(status);
  }

  /** Kills the child with {@code SIGKILL} unless it was already reaped; closes its input. */
  public synchronized void kill() {
    if (status == null && lost == null) {
      // Still an unreaped child: the reaper reaps under this lock, so the pid cannot be reused.
      binding.libc().kill(pid, SIGKILL);
    }
    // Only after the signal: a child that saw its input close first could still run its own
    // "not released" path (an exit of its choosing) before the SIGKILL landed. With SIGKILL
    // pending, its read returns to no user code.
    closeInput();
  }

  /** Called by the reaper, holding this lock, right after it reaped the child. */
  void exited(int waitStatus) {
    status = decode(waitStatus);
  }

  /** Called by the reaper, holding this lock, when the child is gone without its status. */
  void lost(String why) {
    lost = why;
  }

  /** A wait status as the JDK reports it: the exit code, or 128 plus the signal. */
  static int decode(int wait) {
    int signal = wait & 0x7f;
    return signal == 0 ? (wait >> 8) & 0xff : 128 + signal;
  }

  /** Must hold the lock. */
  private void closeInput() {
    if (input >= 0) {
      binding.libc().close(input);
      input = -1;
    }
  }

  @Override
  public String toString() {
    return "process " + pid;
  }
}
