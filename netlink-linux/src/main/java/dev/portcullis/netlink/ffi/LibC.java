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

  /**
   * {@code socket(2)}: opens a socket.
   *
   * @param domain the address family, such as {@code AF_NETLINK}
   * @param type the socket type, which may carry flags such as {@code SOCK_CLOEXEC}
   * @param protocol the protocol within the family, such as {@code NETLINK_SOCK_DIAG}
   * @return the new descriptor, or -1
   */
  @SaveError
  int socket(int domain, int type, int protocol);

  /**
   * {@code connect(2)} to a {@code sockaddr} of {@code addressLength} bytes.
   *
   * @param fd the socket
   * @param address a direct buffer holding the {@code sockaddr}, from its position
   * @param addressLength the size of the {@code sockaddr}, in bytes
   * @return 0, or -1
   */
  @SaveError
  int connect(int fd, @In ByteBuffer address, @socklen_t int addressLength);

  /**
   * {@code getsockname(2)}: fills {@code address}; {@code addressLength} holds a native {@code
   * socklen_t} that is the buffer size on the way in and the address size on the way out.
   *
   * @param fd the socket
   * @param address a direct buffer the kernel writes the socket's {@code sockaddr} to
   * @param addressLength a direct buffer holding one native {@code socklen_t}, read and written
   * @return 0, or -1
   */
  @SaveError
  int getsockname(int fd, @Out ByteBuffer address, @In @Out ByteBuffer addressLength);

  /**
   * {@code setsockopt(2)}: sets a socket option.
   *
   * @param fd the socket
   * @param level the level the option is defined at, such as {@code SOL_SOCKET}
   * @param option the option, such as {@code SO_RCVTIMEO}
   * @param value a direct buffer holding the option's value, from its position
   * @param valueLength the size of the value, in bytes
   * @return 0, or -1
   */
  @SaveError
  int setsockopt(int fd, int level, int option, @In ByteBuffer value, @socklen_t int valueLength);

  /**
   * {@code send(2)}: sends a message on a connected socket.
   *
   * @param fd the socket
   * @param buffer a direct buffer holding the message, from its position
   * @param length the number of bytes to send
   * @param flags {@code MSG_*} flags, or 0
   * @return the number of bytes sent, or -1
   */
  @SaveError
  @ssize_t
  long send(int fd, @In ByteBuffer buffer, @size_t long length, int flags);

  /**
   * {@code recv(2)}: receives one message from a socket. With {@code MSG_TRUNC} the result is the
   * datagram's real length even when it exceeded {@code length}.
   *
   * @param fd the socket
   * @param buffer a direct buffer the message is written to, from its position
   * @param length the most bytes to write to {@code buffer}
   * @param flags {@code MSG_*} flags, such as {@code MSG_TRUNC}, or 0
   * @return the number of bytes received (with {@code MSG_TRUNC}, the message's real length), or -1
   */
  @SaveError
  @ssize_t
  long recv(int fd, @Out ByteBuffer buffer, @size_t long length, int flags);

  /**
   * {@code close(2)}: closes a descriptor.
   *
   * @param fd the descriptor; it is released even when the call fails
   * @return 0, or -1
   */
  @SaveError
  int close(int fd);

  /**
   * {@code open(2)}: opens a file or directory.
   *
   * @param path the path, NUL-terminated
   * @param flags {@code O_*} flags, such as {@code O_DIRECTORY | O_CLOEXEC}
   * @return the new descriptor, or -1
   */
  @SaveError
  int open(@In byte[] path, int flags);

  /**
   * {@code getdents64(2)}: reads directory entries, as {@code struct linux_dirent64} records.
   *
   * @param fd an open directory
   * @param buffer a direct buffer the kernel fills, from its position
   * @param length its room, in bytes
   * @return the number of bytes filled, 0 at the end, or -1
   */
  @SaveError
  @ssize_t
  long getdents64(int fd, @Out ByteBuffer buffer, @size_t long length);

  /**
   * {@code readlinkat(2)}: reads a symbolic link named relative to a directory.
   *
   * @param directory an open directory
   * @param name a direct buffer holding the NUL-terminated name, from its position
   * @param target a direct buffer the kernel writes the link's target to, not NUL-terminated
   * @param length the room in {@code target}
   * @return the length of the target (truncated to {@code length}), or -1
   */
  @SaveError
  @ssize_t
  long readlinkat(int directory, @In ByteBuffer name, @Out ByteBuffer target, @size_t long length);
}
