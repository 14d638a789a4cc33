package dev.portcullis.netlink.codec;

import java.io.IOException;

/**
 * The kernel answered a dump request with an error ({@code NLMSG_ERROR}, or a negative status in
 * {@code NLMSG_DONE}).
 *
 * @since 0.1
 */
public final class NetlinkErrorException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int errno;

  /**
   * An exception for {@code errno} (positive) in answer to {@code query}.
   *
   * @param query the dump that failed
   * @param errno the positive error number the kernel sent negated
   */
  public NetlinkErrorException(SockDiagQuery query, int errno) {
    super(message(query, errno));
    this.errno = errno;
  }

  private static String message(SockDiagQuery query, int errno) {
    String text = "The kernel refused the " + query + " socket dump: " + Errno.describe(errno);
    if (errno == Errno.ENOENT) {
      // sock_diag answers ENOENT when no handler for the protocol is built in or loadable.
      text +=
          "; the kernel has no sock_diag handler for "
              + query.protocol()
              + " (CONFIG_INET_"
              + query.protocol()
              + "_DIAG, module "
              + query.protocol().name().toLowerCase(java.util.Locale.ROOT)
              + "_diag)";
    }
    return text;
  }

  /** The positive error number, for example 22 for {@code EINVAL}. */
  public int errno() {
    return errno;
  }
}
