package dev.portcullis.bench;

import dev.portcullis.api.Protocol;
import dev.portcullis.netlink.codec.InetDiagRequest;
import dev.portcullis.netlink.codec.SockDiagQuery;
import dev.portcullis.netlink.ffi.LibC;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;

/**
 * The two {@code NETLINK_SOCK_DIAG} dumps of every listening TCP socket, IPv4 then IPv6, received
 * and counted and nothing else, through the same libc binding and buffer size as the netlink
 * source: the floor its bare dump is measured against, as {@code bench/native/diagdump.c} is in C.
 * One socket, opened once.
 */
final class ReceiveOnlyDump implements Closeable {

  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_SOCK_DIAG = 4;
  private static final int NLMSG_ERROR = 2;
  private static final int NLMSG_DONE = 3;

  /** The netlink source's own queries, TCP only, in its order: IPv4, then IPv6. */
  private static final List<SockDiagQuery> QUERIES =
      SockDiagQuery.ALL.stream().filter(query -> query.protocol() == Protocol.TCP).toList();

  private final LibC libc;
  private final int fd;
  private final ByteBuffer request =
      ByteBuffer.allocateDirect(InetDiagRequest.LENGTH).order(ByteOrder.nativeOrder());
  // As large as the netlink source's.
  private final ByteBuffer buffer =
      ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.nativeOrder());
  private int sequence;

  ReceiveOnlyDump() throws IOException {
    libc =
        LibraryLoader.create(LibC.class)
            .failImmediately()
            .load(Platform.getNativePlatform().getStandardCLibraryName());
    fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
      throw new IOException("socket(AF_NETLINK, NETLINK_SOCK_DIAG) failed");
    }
  }

  /** {@return how many sockets the two dumps held} */
  int dump() throws IOException {
    int sockets = 0;
    for (SockDiagQuery query : QUERIES) {
      request.clear();
      InetDiagRequest.encode(query, ++sequence, request);
      request.flip(); // jnr-ffi passes the address at the buffer's position
      if (libc.send(fd, request, InetDiagRequest.LENGTH, 0) != InetDiagRequest.LENGTH) {
        throw new IOException("send of the " + query + " dump request failed");
      }
      sockets += receive(query);
    }
    return sockets;
  }

  private int receive(SockDiagQuery query) throws IOException {
    int sockets = 0;
    while (true) {
      long received = libc.recv(fd, buffer, buffer.capacity(), 0);
      if (received <= 0) {
        throw new IOException("recv of the " + query + " dump failed");
      }
      for (int at = 0; at + 16 <= received; ) {
        int length = buffer.getInt(at);
        int type = Short.toUnsignedInt(buffer.getShort(at + 4));
        if (type == NLMSG_DONE) {
          return sockets;
        }
        if (type == NLMSG_ERROR || length < 16) {
          throw new IOException("the " + query + " dump failed");
        }
        sockets++;
        at += (length + 3) & ~3;
      }
    }
  }

  @Override
  public void close() {
    libc.close(fd);
  }
}
