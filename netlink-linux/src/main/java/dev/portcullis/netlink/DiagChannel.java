package dev.portcullis.netlink;

import dev.portcullis.netlink.codec.DumpInterruptedException;
import dev.portcullis.netlink.codec.InetDiagDump;
import dev.portcullis.netlink.codec.InetDiagSocket;
import dev.portcullis.netlink.codec.SockDiagQuery;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A way to the kernel's sock_diag: send a dump request, receive the reply a datagram at a time.
 * {@link SockDiagSocket} is the real one; tests hand in crafted datagrams to drive {@link
 * #dump(SockDiagQuery)} through every path without a kernel.
 */
interface DiagChannel {

  /** How often an interrupted dump is asked for before giving up. */
  int MAX_ATTEMPTS = 5;

  /** The port id the kernel addresses replies to. */
  int portId();

  /** A sequence number not used before on this channel. */
  int nextSequence();

  /** Sends a dump request carrying {@code sequence}. */
  void send(SockDiagQuery query, int sequence) throws IOException;

  /** The next datagram of the reply, from its position to its limit; valid until the next call. */
  ByteBuffer receive(SockDiagQuery query) throws IOException;

  /**
   * Every socket of one family and protocol in the state the query asks for, decoded in the host's
   * byte order. A dump the kernel flags as interrupted has been read to its end, so it is simply
   * asked for again under a new sequence number, up to {@value #MAX_ATTEMPTS} times in all.
   *
   * @throws IOException if the dump cannot be had whole; the channel must then be discarded, as
   *     replies may be left unread
   */
  default List<InetDiagSocket> dump(SockDiagQuery query) throws IOException {
    for (int attempt = 1; ; attempt++) {
      int sequence = nextSequence();
      send(query, sequence);
      InetDiagDump dump = new InetDiagDump(query, sequence, portId(), ByteOrder.nativeOrder());
      try {
        while (!dump.accept(receive(query))) {
          // the kernel sends a dump a datagram at a time until NLMSG_DONE
        }
        return dump.sockets();
      } catch (DumpInterruptedException e) {
        if (attempt == MAX_ATTEMPTS) {
          throw new DumpInterruptedException(
              "The "
                  + query
                  + " dump was interrupted by socket changes "
                  + MAX_ATTEMPTS
                  + " times in a row; giving up on this snapshot");
        }
        Log.LOG.debug("{} dump interrupted (attempt {}), asking again", query, attempt);
      }
    }
  }

  /**
   * The sockets of the first datagram of a dump: all of them when it is short, a first few hundred
   * otherwise. For a probe, which needs to know that dumps work and what they carry, not every
   * socket; the rest of the reply is left unread, so the channel must then be discarded.
   *
   * @throws IOException if the request or the first datagram fails
   */
  default List<InetDiagSocket> firstSockets(SockDiagQuery query) throws IOException {
    int sequence = nextSequence();
    send(query, sequence);
    InetDiagDump dump = new InetDiagDump(query, sequence, portId(), ByteOrder.nativeOrder());
    try {
      dump.accept(receive(query));
    } catch (DumpInterruptedException e) {
      // The dump was complete and its sockets changed meanwhile: a probe needs no more.
      Log.LOG.debug("{} probe dump interrupted: {}", query, e.getMessage());
    }
    return dump.socketsSoFar();
  }

  /** Holds the logger, as an interface cannot have private fields. */
  final class Log {
    private static final Logger LOG = LoggerFactory.getLogger(DiagChannel.class);

    private Log() {}
  }
}
