package dev.portcullis.netlink;

import dev.portcullis.netlink.codec.Errno;
import dev.portcullis.netlink.codec.InetDiagRequest;
import dev.portcullis.netlink.codec.SockDiagQuery;
import dev.portcullis.netlink.ffi.LibC;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An open {@code NETLINK_SOCK_DIAG} socket that runs dumps one after another.
 *
 * <p>The socket is connected to the kernel (port id 0), so no other process can slip messages into
 * it, and its own port id is read back so every reply can be checked against it. A receive timeout
 * turns a kernel that never answers into an exception rather than a hung scan.
 *
 * <p>A dump that fails part-way leaves unread replies behind, so after any exception the socket
 * must be closed, not reused. Not thread-safe; the buffer it is given must not be used elsewhere
 * while it is open.
 */
final class SockDiagSocket implements DiagChannel, Closeable {

  static final int AF_NETLINK = 16;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int NETLINK_SOCK_DIAG = 4;
  private static final int SOL_SOCKET = 1;
  private static final int MSG_TRUNC = 0x20;
  private static final int SOCKADDR_NL_LENGTH = 12;

  /** How long one {@code recv} waits for the kernel. */
  static final int RECEIVE_TIMEOUT_SECONDS = 5;

  private final LibCBinding binding;
  private final LibC libc;
  private final int fd;
  private final int portId;
  private final ByteBuffer buffer;
  private int sequence;
  private boolean closed;

  private SockDiagSocket(LibCBinding binding, int fd, int portId, ByteBuffer buffer) {
    this.binding = binding;
    this.libc = binding.libc();
    this.fd = fd;
    this.portId = portId;
    this.buffer = buffer;
  }

  /**
   * Opens a socket that receives into {@code buffer}, a direct buffer big enough for the largest
   * datagram a dump sends (the kernel sends at most 32 KiB at a time).
   *
   * @throws IOException naming the call and the errno when the socket cannot be set up
   */
  static SockDiagSocket open(LibCBinding binding, ByteBuffer buffer) throws IOException {
    if (!buffer.isDirect() || buffer.capacity() < InetDiagRequest.LENGTH) {
      throw new IllegalArgumentException(
          "A dump needs a direct buffer of at least " + InetDiagRequest.LENGTH + " bytes");
    }
    LibC libc = binding.libc();
    int fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
      throw failure(binding, "socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG)");
    }
    try {
      setReceiveTimeout(binding, fd);
      int portId = connectToKernel(binding, fd);
      return new SockDiagSocket(binding, fd, portId, buffer);
    } catch (IOException | RuntimeException | Error e) {
      if (libc.close(fd) != 0) {
        e.addSuppressed(failure(binding, "close(" + fd + ")"));
      }
      throw e;
    }
  }

  private static void setReceiveTimeout(LibCBinding binding, int fd) throws IOException {
    // struct timeval is two C longs; SO_RCVTIMEO is 20 on every architecture Java runs on but
    // PowerPC, where it is 18.
    int option = System.getProperty("os.arch", "").startsWith("ppc") ? 18 : 20;
    int longSize = binding.longSize();
    ByteBuffer timeval = ByteBuffer.allocateDirect(2 * longSize).order(ByteOrder.nativeOrder());
    if (longSize == Long.BYTES) {
      timeval.putLong(0, RECEIVE_TIMEOUT_SECONDS).putLong(8, 0);
    } else {
      timeval.putInt(0, RECEIVE_TIMEOUT_SECONDS).putInt(4, 0);
    }
    if (binding.libc().setsockopt(fd, SOL_SOCKET, option, timeval, timeval.capacity()) != 0) {
      throw failure(binding, "setsockopt(SO_RCVTIMEO)");
    }
  }

  /** Connects to the kernel, which also binds the socket; returns the port id it was given. */
  private static int connectToKernel(LibCBinding binding, int fd) throws IOException {
    ByteBuffer address =
        ByteBuffer.allocateDirect(SOCKADDR_NL_LENGTH).order(ByteOrder.nativeOrder());
    address.putShort(
        0, (short) AF_NETLINK); // nl_family; nl_pad, nl_pid 0 (the kernel), nl_groups 0
    if (binding.libc().connect(fd, address, SOCKADDR_NL_LENGTH) != 0) {
      throw failure(binding, "connect(AF_NETLINK socket, kernel)");
    }
    ByteBuffer length = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
    length.putInt(0, SOCKADDR_NL_LENGTH);
    if (binding.libc().getsockname(fd, address, length) != 0) {
      throw failure(binding, "getsockname(AF_NETLINK socket)");
    }
    if (length.getInt(0) != SOCKADDR_NL_LENGTH || address.getShort(0) != AF_NETLINK) {
      throw new IOException(
          "getsockname(AF_NETLINK socket) returned a "
              + length.getInt(0)
              + "-byte address of family "
              + address.getShort(0));
    }
    return address.getInt(4);
  }

  @Override
  public int nextSequence() {
    return ++sequence;
  }

  @Override
  public void send(SockDiagQuery query, int requestSequence) throws IOException {
    buffer.clear().order(ByteOrder.nativeOrder());
    InetDiagRequest.encode(query, requestSequence, buffer);
    buffer.flip(); // jnr-ffi passes the address at the buffer's position
    while (true) {
      long sent = libc.send(fd, buffer, InetDiagRequest.LENGTH, 0);
      if (sent == InetDiagRequest.LENGTH) {
        return;
      }
      if (sent >= 0) {
        throw new IOException(
            "send() of the "
                + query
                + " dump request sent "
                + sent
                + " of "
                + InetDiagRequest.LENGTH
                + " bytes");
      }
      int errno = binding.errno();
      if (errno != Errno.EINTR) {
        throw failure("send() of the " + query + " dump request", errno);
      }
    }
  }

  /** The next datagram, between position 0 and the limit of the buffer. */
  @Override
  public ByteBuffer receive(SockDiagQuery query) throws IOException {
    while (true) {
      buffer.clear();
      // MSG_TRUNC makes recv return the datagram's real length, so an oversized one is detected
      // rather than silently cut.
      long received = libc.recv(fd, buffer, buffer.capacity(), MSG_TRUNC);
      if (received > buffer.capacity()) {
        throw new IOException(
            "A "
                + received
                + "-byte datagram of the "
                + query
                + " dump did not fit the "
                + buffer.capacity()
                + "-byte buffer");
      }
      if (received >= 0) {
        return buffer.limit((int) received);
      }
      int errno = binding.errno();
      if (errno == Errno.EAGAIN) {
        throw new IOException(
            "The kernel sent no part of the "
                + query
                + " dump within "
                + RECEIVE_TIMEOUT_SECONDS
                + " s");
      }
      if (errno != Errno.EINTR) {
        throw failure("recv() of the " + query + " dump", errno);
      }
    }
  }

  /** Closes the descriptor; later calls do nothing. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    // Linux releases the descriptor even when close() fails with EINTR: never retry it.
    if (libc.close(fd) != 0) {
      int errno = binding.errno();
      if (errno != Errno.EINTR) {
        throw failure("close(" + fd + ")", errno);
      }
    }
  }

  @Override
  public int portId() {
    return portId;
  }

  private static IOException failure(LibCBinding binding, String call) {
    return failure(call, binding.errno());
  }

  private static IOException failure(String call, int errno) {
    return new IOException(call + " failed: " + Errno.describe(errno));
  }
}
