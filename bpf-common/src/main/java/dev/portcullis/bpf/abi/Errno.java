package dev.portcullis.bpf.abi;

import java.util.Map;

/**
 * Names and meanings of the {@code errno} values {@code bpf(2)}, {@code open(2)} and a refused
 * {@code bind()} can carry, so messages read {@code EPERM (Operation not permitted)} rather than a
 * number. The numbers are the generic Linux ones (x86, ARM); an unknown one is printed as is.
 *
 * @since 0.2
 */
public final class Errno {

  /** Operation not permitted: what a guard's refusal and a missing capability both give. */
  public static final int EPERM = 1;

  /** No such file or directory, or no such object (id, attached program). */
  public static final int ENOENT = 2;

  /** Interrupted system call. */
  public static final int EINTR = 4;

  /** Try again: the verifier was interrupted. */
  public static final int EAGAIN = 11;

  /** Permission denied: also the verifier refusing a program. */
  public static final int EACCES = 13;

  /** Invalid argument. */
  public static final int EINVAL = 22;

  /** No space left: a query's room, or a verifier log, was too small. */
  public static final int ENOSPC = 28;

  private record Meaning(String name, String text) {}

  private static final Map<Integer, Meaning> MEANINGS =
      Map.ofEntries(
          Map.entry(EPERM, new Meaning("EPERM", "Operation not permitted")),
          Map.entry(ENOENT, new Meaning("ENOENT", "No such file or directory")),
          Map.entry(3, new Meaning("ESRCH", "No such process")),
          Map.entry(EINTR, new Meaning("EINTR", "Interrupted system call")),
          Map.entry(5, new Meaning("EIO", "Input/output error")),
          Map.entry(7, new Meaning("E2BIG", "Argument list too long")),
          Map.entry(9, new Meaning("EBADF", "Bad file descriptor")),
          Map.entry(EAGAIN, new Meaning("EAGAIN", "Resource temporarily unavailable")),
          Map.entry(12, new Meaning("ENOMEM", "Cannot allocate memory")),
          Map.entry(EACCES, new Meaning("EACCES", "Permission denied")),
          Map.entry(14, new Meaning("EFAULT", "Bad address")),
          Map.entry(16, new Meaning("EBUSY", "Device or resource busy")),
          Map.entry(17, new Meaning("EEXIST", "File exists")),
          Map.entry(20, new Meaning("ENOTDIR", "Not a directory")),
          Map.entry(EINVAL, new Meaning("EINVAL", "Invalid argument")),
          Map.entry(23, new Meaning("ENFILE", "Too many open files in system")),
          Map.entry(24, new Meaning("EMFILE", "Too many open files")),
          Map.entry(ENOSPC, new Meaning("ENOSPC", "No space left on device")),
          Map.entry(38, new Meaning("ENOSYS", "Function not implemented")),
          Map.entry(95, new Meaning("EOPNOTSUPP", "Operation not supported")),
          Map.entry(98, new Meaning("EADDRINUSE", "Address already in use")),
          Map.entry(524, new Meaning("ENOTSUPP", "Operation is not supported")));

  private Errno() {}

  /** The symbolic name, for example {@code EINVAL}, or {@code errno 1234} when unknown. */
  public static String name(int errno) {
    Meaning meaning = MEANINGS.get(errno);
    return meaning == null ? "errno " + errno : meaning.name();
  }

  /** {@code EPERM (Operation not permitted)}: the name and the meaning, for messages. */
  public static String describe(int errno) {
    Meaning meaning = MEANINGS.get(errno);
    return meaning == null ? "errno " + errno : meaning.name() + " (" + meaning.text() + ")";
  }
}
