package dev.portcullis.spawn;

import dev.portcullis.spawn.ffi.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Watches processes that are no children of this JVM, such as the tasks a restarted agent finds
 * again, for their exit: one {@code pidfd_open(2)} descriptor each, all in one {@code epoll(7)}
 * set, so that a {@link #refresh()} is one {@code epoll_wait(2)} that hands back only the processes
 * that exited, where reading each one's files would cost a thousand reads a look and a {@code
 * poll(2)} of them all the kernel's look at every one.
 *
 * <p>A pidfd names one process for as long as it is open: its pid cannot be given to another
 * process meanwhile, so a watch made while the process is known to be the right one stays right.
 * Linux 5.3 and later; safe for use by several threads.
 */
public final class ExitWatch {

  private static final long PIDFD_OPEN = 434; // the same number on every architecture
  private static final int ESRCH = 3;
  private static final int EINTR = 4;
  private static final int EPOLLIN = 0x1;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLL_CTL_DEL = 2;
  private static final int EPOLL_CLOEXEC = 0x80000;

  /** x86-64 packs {@code struct epoll_event} into 12 bytes; other architectures pad it to 16. */
  private static final boolean PACKED_EVENTS =
      Set.of("amd64", "x86_64").contains(System.getProperty("os.arch", ""));

  private static final int EVENT_SIZE = PACKED_EVENTS ? 12 : 16;
  private static final int DATA_OFFSET = PACKED_EVENTS ? 4 : 8;
  private static final int EVENTS_PER_WAIT = 64;

  private static final Object LOCK = new Object();
  private static ExitWatch instance; // guarded by LOCK

  private final Binding binding;
  private final int epoll;
  private final Map<Integer, WatchedProcess> watched = new HashMap<>(); // by pidfd; guarded by this
  private final ByteBuffer event = buffer(EVENT_SIZE); // guarded by this
  private final ByteBuffer events = buffer(EVENTS_PER_WAIT * EVENT_SIZE); // guarded by this

  private ExitWatch(Binding binding, int epoll) {
    this.binding = binding;
    this.epoll = epoll;
  }

  private static ByteBuffer buffer(int size) {
    return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
  }

  /**
   * {@return the watch of this JVM, made on first use}
   *
   * @throws IOException naming the cause when libc cannot be reached through jnr-ffi here, or the
   *     kernel gives no epoll descriptor
   */
  public static ExitWatch get() throws IOException {
    synchronized (LOCK) {
      if (instance == null) {
        Binding binding = Binding.get();
        int epoll = binding.libc().epoll_create1(EPOLL_CLOEXEC);
        if (epoll < 0) {
          throw new IOException(
              "cannot make the epoll set that watches processes: "
                  + binding.describe(binding.errno()));
        }
        instance = new ExitWatch(binding, epoll);
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
    long opened = libc.syscall(PIDFD_OPEN, pid, 0);
    if (opened < 0) {
      int errno = binding.errno();
      if (errno == ESRCH) {
        return Optional.empty();
      }
      throw new IOException("cannot watch process " + pid + ": " + binding.describe(errno));
    }
    int fd = (int) opened;
    WatchedProcess process = new WatchedProcess(this, pid, fd);
    synchronized (this) {
      event.putInt(0, EPOLLIN);
      event.putLong(DATA_OFFSET, fd);
      if (libc.epoll_ctl(epoll, EPOLL_CTL_ADD, fd, event) < 0) {
        int errno = binding.errno();
        libc.close(fd);
        throw new IOException("cannot watch process " + pid + ": " + binding.describe(errno));
      }
      watched.put(fd, process);
    }
    return Optional.of(process);
  }

  /**
   * Looks which of the watched processes have exited since the last look; each then {@linkplain
   * WatchedProcess#hasExited() says so} until it is closed, and is looked at no more.
   *
   * @return how many were seen to have exited at this look: none means that every process still
   *     watched runs
   * @throws IOException if the kernel refuses the look
   */
  public synchronized int refresh() throws IOException {
    int exited = 0;
    // Each process reported leaves the set, so a full batch means there may be more; the bound
    // keeps a descriptor the kernel would not let go of from looping forever.
    for (int batches = watched.size() / EVENTS_PER_WAIT + 1; batches > 0; batches--) {
      if (watched.isEmpty()) {
        break;
      }
      int ready;
      do {
        ready = binding.libc().epoll_wait(epoll, events, EVENTS_PER_WAIT, 0);
      } while (ready < 0 && binding.errno() == EINTR);
      if (ready < 0) {
        throw new IOException(
            "cannot look at the watched processes: " + binding.describe(binding.errno()));
      }
      for (int i = 0; i < ready; i++) {
        int fd = (int) events.getLong(i * EVENT_SIZE + DATA_OFFSET);
        WatchedProcess process = watched.remove(fd);
        remove(fd);
        if (process != null) {
          process.exited();
          exited++;
        }
      }
      if (ready < EVENTS_PER_WAIT) {
        break;
      }
    }
    return exited;
  }

  /** Stops watching; the watch's descriptor is closed after this. */
  synchronized void forget(WatchedProcess process) {
    int fd = process.fd();
    if (fd >= 0 && watched.get(fd) == process) {
      watched.remove(fd);
      remove(fd);
    }
  }

  /** Takes a pidfd out of the set: it would otherwise be reported at every look after its exit. */
  private void remove(int fd) {
    // Fails only for a descriptor not in the set, which is then not looked at either.
    binding.libc().epoll_ctl(epoll, EPOLL_CTL_DEL, fd, event);
  }

  Binding binding() {
    return binding;
  }
}
