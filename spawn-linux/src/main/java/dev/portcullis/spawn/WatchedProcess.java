package dev.portcullis.spawn;

/**
 * One process an {@link ExitWatch} watches, by a pidfd it holds until {@linkplain #close() closed}.
 */
public final class WatchedProcess implements AutoCloseable {

  private final ExitWatch watch;
  private final long pid;
  private int fd; // guarded by this; -1 once closed
  private volatile boolean exited;

  WatchedProcess(ExitWatch watch, long pid, int fd) {
    this.watch = watch;
    this.pid = pid;
    this.fd = fd;
  }

  /** {@return the process's pid} */
  public long pid() {
    return pid;
  }

  /**
   * {@return whether the process had exited at the last {@link ExitWatch#refresh()}} Never true of
   * one that had not; a closed watch keeps what it last said.
   */
  public boolean hasExited() {
    return exited;
  }

  synchronized int fd() {
    return fd;
  }

  void exited() {
    exited = true;
  }

  /** Stops watching and closes the pidfd; harmless when already closed. */
  @Override
  public void close() {
    watch.forget(this);
    synchronized (this) {
      if (fd >= 0) {
        watch.binding().libc().close(fd);
        fd = -1;
      }
    }
  }

  @Override
  public String toString() {
    return "watched process " + pid;
  }
}
