package dev.portcullis.netlink.ffi;

import java.nio.ByteBuffer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.socklen_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc socket calls that one {@code NETLINK_SOCK_DIAG} dump needs, and nothing more.
 *
 * <p>jnr-ffi implements this interface at run time. Every call saves {@code errno}, which the
 * caller reads with {@code jnr.ffi.LastError.getLastError(runtime)} on the same thread right after
 * a call returns -1. Buffers must be direct; jnr-ffi passes the address at the buffer's position,
 * and the lengths are given explicitly.
 *
 * <p>This is a native boundary, not an API: it is exported only because jnr-ffi defines its
 * implementation in an unnamed module.
 *
 * @since 0.1
 */
public interface LibC {

  /** {@code socket(2)}: a new descriptor, or -1. */
  @SaveError
  int socket(int domain, int type, int protocol);

  /** {@code connect(2)} to a {@code sockaddr} of {@code addressLength} bytes: 0, or -1. */
  @SaveError
  int connect(int fd, @In ByteBuffer address, @socklen_t int addressLength);

  /**
   * {@code getsockname(2)}: fills {@code address}; {@code addressLength} holds a native {@code
   * socklen_t} that is the buffer size on the way in and the address size on the way out. 0, or -1.
   */
  @SaveError
  int getsockname(int fd, @Out ByteBuffer address, @In @Out ByteBuffer addressLength);

  /** {@code setsockopt(2)}: 0, or -1. */
  @SaveError
  int setsockopt(int fd, int level, int option, @In ByteBuffer value, @socklen_t int valueLength);

  /** {@code send(2)}: the number of bytes sent, or -1. */
  @SaveError
  @ssize_t
  long send(int fd, @In ByteBuffer buffer, @size_t long length, int flags);

  /**
   * {@code recv(2)}: the number of bytes received, or -1. With {@code MSG_TRUNC} the result is the
   * datagram's real length even when it exceeded {@code length}.
   */
  @SaveError
  @ssize_t
  long recv(int fd, @Out ByteBuffer buffer, @size_t long length, int flags);

  /** {@code close(2)}: 0, or -1. */
  @SaveError
  int close(int fd);
}
