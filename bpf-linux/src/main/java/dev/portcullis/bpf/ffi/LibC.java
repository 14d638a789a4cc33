package dev.portcullis.bpf.ffi;

import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;

/**
 * The libc calls behind the BPF guard, and nothing more.
 *
 * <p>jnr-ffi implements this interface at run time. Every call saves {@code errno}, which the
 * caller reads with {@code jnr.ffi.LastError.getLastError(runtime)} on the same thread right after
 * a call returns -1. Addresses are passed as plain numbers: the caller keeps the memory they point
 * to reachable until the call returns.
 *
 * <p>This is a native boundary, not an API: it is exported only because jnr-ffi defines its
 * implementation in an unnamed module.
 *
 * @since 0.2
 */
public interface LibC {

  /**
   * {@code syscall(number, command, attr, size)}, for {@code bpf(2)}: the call's result, or -1.
   * libc declares {@code syscall} variadic after the number; every argument is passed as a full
   * register because libc reads them as {@code long}.
   */
  @SaveError
  @Variadic(fixedCount = 1)
  long syscall(long number, long command, long attr, long size);

  /**
   * {@code open(2)}: a new descriptor, or -1. Variadic after the flags in libc; {@code mode} is
   * read only when a file is created.
   */
  @SaveError
  @Variadic(fixedCount = 2)
  int open(String path, int flags, int mode);

  /** {@code close(2)}: 0, or -1. */
  @SaveError
  int close(int fd);
}
