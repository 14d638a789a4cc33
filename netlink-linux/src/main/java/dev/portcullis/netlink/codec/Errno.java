package dev.portcullis.netlink.codec;

import java.util.Map;

/**
 * Names for the {@code errno} values a socket call or a netlink error can carry, so messages say
 * {@code EPROTONOSUPPORT (errno 93)} rather than a bare number. The numbers are the generic Linux
 * ones (x86, ARM, RISC-V, PowerPC); an unknown number is printed as is.
 *
 * @since 0.1
 */
public final class Errno {

  /** {@code EINTR}: a call was interrupted by a signal and may be repeated. */
  public static final int EINTR = 4;

  /** {@code EAGAIN}: on a blocking socket with a receive timeout, the timeout expired. */
  public static final int EAGAIN = 11;

  /** {@code ENOENT}: from sock_diag, the kernel has no handler for the asked protocol. */
  public static final int ENOENT = 2;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(1, "EPERM"),
          Map.entry(ENOENT, "ENOENT"),
          Map.entry(3, "ESRCH"),
          Map.entry(EINTR, "EINTR"),
          Map.entry(5, "EIO"),
          Map.entry(9, "EBADF"),
          Map.entry(EAGAIN, "EAGAIN"),
          Map.entry(12, "ENOMEM"),
          Map.entry(13, "EACCES"),
          Map.entry(14, "EFAULT"),
          Map.entry(16, "EBUSY"),
          Map.entry(22, "EINVAL"),
          Map.entry(23, "ENFILE"),
          Map.entry(24, "EMFILE"),
          Map.entry(32, "EPIPE"),
          Map.entry(38, "ENOSYS"),
          Map.entry(88, "ENOTSOCK"),
          Map.entry(90, "EMSGSIZE"),
          Map.entry(92, "ENOPROTOOPT"),
          Map.entry(93, "EPROTONOSUPPORT"),
          Map.entry(94, "ESOCKTNOSUPPORT"),
          Map.entry(95, "EOPNOTSUPP"),
          Map.entry(97, "EAFNOSUPPORT"),
          Map.entry(105, "ENOBUFS"),
          Map.entry(110, "ETIMEDOUT"),
          Map.entry(111, "ECONNREFUSED"));

  private Errno() {}

  /** The symbolic name, for example {@code EINVAL}, or {@code errno 1234} when unknown. */
  public static String name(int errno) {
    return NAMES.getOrDefault(errno, "errno " + errno);
  }

  /** {@code EINVAL (errno 22)}: the name and the number, for messages. */
  public static String describe(int errno) {
    String name = NAMES.get(errno);
    return name == null ? "errno " + errno : name + " (errno " + errno + ")";
  }
}
