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
   * {@code syscall(number, command, attr, size)}, for {@code bpf(2)}. libc declares {@code syscall}
   * variadic after the number; every argument is passed as a full register because libc reads them
   * as {@code long}.
   *
   * @param number the system call's number on this architecture ({@code __NR_bpf})
   * @param command the {@code bpf(2)} command, such as {@code BPF_PROG_LOAD}
   * @param attr the address of the command's {@code union bpf_attr}
   * @param size the size of that {@code union bpf_attr}, in bytes
   * @return the call's result (for commands that make an object, a new descriptor), or -1
   */
  @SaveError
  @Variadic(fixedCount = 1)
  long syscall(long number, long command, long attr, long size);

  /**
   * {@code open(2)}: opens a file, or a directory with {@code O_DIRECTORY}. Variadic after the
   * flags in libc; {@code mode} is read only when a file is created.
   *
   * @param path the file's path, passed as a C string
   * @param flags {@code O_*} flags, such as {@code O_RDONLY | O_DIRECTORY | O_CLOEXEC} (the value
   *     of {@code O_DIRECTORY} differs between architectures)
   * @param mode the permissions of a file created; ignored otherwise
   * @return the new descriptor, or -1
   */
  @SaveError
  @Variadic(fixedCount = 2)
  int open(String path, int flags, int mode);

  /**
   * {@code close(2)}: closes a descriptor.
   *
   * @param fd the descriptor; it is released even when the call fails
   * @return 0, or -1
   */
  @SaveError
  int close(int fd);

  /**
   * {@code read(2)}: reads up to {@code count} bytes into native memory.
   *
   * @param fd the descriptor
   * @param buffer the address of at least {@code count} bytes
   * @param count how many bytes to read at most
   * @return how many were read, 0 at the end, or -1
   * @since 0.4
   */
  @SaveError
  long read(int fd, long buffer, long count);
}
