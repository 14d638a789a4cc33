package dev.portcullis.bpf.sys;

import dev.portcullis.bpf.abi.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open file descriptor (a BPF object's or a cgroup directory's), closed exactly once. Closing a
 * program's or map's descriptor drops only this process's reference: what the kernel attached keeps
 * the object alive.
 *
 * <p>Not thread-safe: one owner closes it.
 */
public final class Fd implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Fd.class);

  private final NativeBinding binding;
  private final int value;
  private final String what;
  private boolean closed;

  Fd(NativeBinding binding, int value, String what) {
    this.binding = binding;
    this.value = value;
    this.what = what;
  }

  /** The descriptor's number; valid until {@link #close()}. */
  public int value() {
    if (closed) {
      throw new IllegalStateException("The descriptor of " + what + " is closed");
    }
    return value;
  }

  /**
   * Closes the descriptor; later calls do nothing. Linux releases the descriptor even when {@code
   * close} reports an error, so a failure is only logged, never retried.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (binding.libc().close(value) != 0) {
      int errno = binding.errno();
      LOG.warn("close({}) of {} failed: {}", value, what, Errno.describe(errno));
    }
  }

  @Override
  public String toString() {
    return "fd " + value + " (" + what + (closed ? ", closed)" : ")");
  }
}
