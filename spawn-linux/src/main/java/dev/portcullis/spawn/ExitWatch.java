package dev.portcullis.spawn;

import dev.portcullis.spawn.ffi.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Watches processes that are no children of this JVM, such as the tasks a restarted agent finds
 * again, for their exit: one {@code pidfd_open(2)} descriptor each, and one {@code poll(2)} for all
 * of them at every {@link #refresh()}, where reading each one's files would cost a thousand reads a
 * look.
 *
 * <p>A pidfd names one process for as long as it is open: its pid cannot be given to another
 * process meanwhile, so a watch made while the process is known to be the right one stays right.
 * Linux 5.3 and later; safe for use by several threads.
 */
public final class ExitWatch {

  private static final long PIDFD_OPEN = 434; // the same number on every architecture
  private static final int ESRCH = 3;
  private static final int EINTR = 4;
  private static final short POLLIN = 0x1;
  private static final int POLLFD_SIZE = 8;

  private static final Object LOCK = new Object();
  private static ExitWatch instance; // guarded by LOCK

  private final Binding binding;
  private final List<WatchedProcess> watched = new ArrayList<>(); // guarded by this
  private ByteBuffer fds = ByteBuffer.allocateDirect(0); // guarded by this

  private ExitWatch(Binding binding) {
    this.binding = binding;
  }

  /**
   * {@return the watch of this JVM, made on first use}
   *
   * @throws IOException naming the cause when libc cannot be reached through jnr-ffi here
   */
  public static ExitWatch get() throws IOException {
    synchronized (LOCK) {
      if (instance == null) {
        instance = new ExitWatch(Binding.get());
      }
      return instance;
    }
  }

  /**
   * Starts watching a process.
   *
   * @param pid the process
   * @return its watch; empty when there is no such process
   * @throws IOException if it cannot be watched: a kernel before 5.3, or no descriptor left
   */
  public Optional<WatchedProcess> watch(long pid) throws IOException {
    LibC libc = binding.libc();
    long fd = libc.syscall(PIDFD_OPEN, pid, 0);
    if (fd < 0) {
      int errno = binding.errno();
      if (errno == ESRCH) {
        return Optional.empty();
      }
      throw new IOException("cannot watch process " + pid + ": " + binding.describe(errno));
    }
    WatchedProcess process = new WatchedProcess(this, pid, (int) fd);
    synchronized (this) {
      watched.add(process);
    }
    return Optional.of(process);
  }

  /**
   * Looks, with one {@code poll(2)}, which of the watched processes have exited since the last
   * look; each then {@linkplain WatchedProcess#hasExited() says so} until it is closed.
   *
   * @return how many were seen to have exited at this look: none means that every process still
   *     watched runs
   * @throws IOException if the kernel refuses the look
   */
  public synchronized int refresh() throws IOException {
    if (watched.isEmpty()) {
      return 0;
    }
    int room = watched.size() * POLLFD_SIZE;
    if (fds.capacity() < room) {
      fds = ByteBuffer.allocateDirect(room * 2).order(ByteOrder.nativeOrder());
    }
    for (int i = 0; i < watched.size(); i++) {
      fds.putInt(i * POLLFD_SIZE, watched.get(i).fd());
      fds.putShort(i * POLLFD_SIZE + 4, POLLIN);
      fds.putShort(i * POLLFD_SIZE + 6, (short) 0);
    }
    fds.clear();
    int ready;
    do {
      ready = binding.libc().poll(fds, watched.size(), 0);
    } while (ready < 0 && binding.errno() == EINTR);
    if (ready < 0) {
      throw new IOException(
          "cannot poll the watched processes: " + binding.describe(binding.errno()));
    }
    if (ready == 0) {
      return 0;
    }
    List<WatchedProcess> exited = new ArrayList<>();
    for (int i = 0; i < watched.size(); i++) {
      if (fds.getShort(i * POLLFD_SIZE + 6) != 0) {
        exited.add(watched.get(i));
      }
    }
    for (WatchedProcess process : exited) {
      process.exited();
      watched.remove(process);
    }
    return exited.size();
  }

  /** Stops watching; the watch's descriptor is closed. */
  synchronized void forget(WatchedProcess process) {
    watched.remove(process);
  }

  Binding binding() {
    return binding;
  }
}
