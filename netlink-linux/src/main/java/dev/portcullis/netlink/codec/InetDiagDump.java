package dev.portcullis.netlink.codec;

import dev.portcullis.api.AddressFamily;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Decodes the reply to one dump request, datagram by datagram, until {@code NLMSG_DONE}.
 *
 * <p>A dump arrives as many datagrams, each holding whole netlink messages. Every message is
 * checked before it is used: its length against the header size and the bytes that remain, its
 * sequence number and port id against the request, its type, and for a socket message the size of
 * the {@code inet_diag_msg} and of every attribute. The first fault throws, and the sockets are
 * only handed out once the dump is complete, so a caller gets all of them or an exception, never a
 * part.
 *
 * <p>Messages are stepped over by their 4-byte-aligned length but bounds-checked with the real one,
 * as the kernel may leave out the padding after the last message of a datagram.
 *
 * <p>Not thread-safe: one instance decodes one dump.
 *
 * @since 0.1
 */
public final class InetDiagDump {

  private enum Progress {
    READING,
    COMPLETE,
    FAILED
  }

  private final SockDiagQuery query;
  private final int sequence;
  private final int portId;
  private final ByteOrder order;
  private final DumpAddresses addresses;
  private final List<InetDiagSocket> sockets = new ArrayList<>();
  private Progress progress = Progress.READING;
  private boolean interrupted;
  private boolean doneRead;
  private long offset; // bytes of the dump decoded so far, for messages
  private OptionalLong lastCgroupId = OptionalLong.empty();

  /**
   * A decoder for the reply to one request.
   *
   * @param query the request's family and protocol; every socket must be of that family
   * @param sequence the request's {@code nlmsg_seq}, which every reply message must carry
   * @param portId the requesting socket's netlink port id, which every reply message must carry
   * @param order the host byte order the kernel used for headers, uid, inode and attributes
   */
  public InetDiagDump(SockDiagQuery query, int sequence, int portId, ByteOrder order) {
    this.query = Objects.requireNonNull(query, "query");
    this.sequence = sequence;
    this.portId = portId;
    this.order = Objects.requireNonNull(order, "order");
    this.addresses = new DumpAddresses(query.family() == AddressFamily.IPV4 ? 4 : 16);
  }

  /**
   * Decodes one datagram: the bytes from its position to its limit, which are consumed.
   *
   * @return whether the dump is complete ({@code NLMSG_DONE} was read)
   * @throws MalformedDumpException if the datagram breaks the format
   * @throws NetlinkErrorException if the kernel answered with an error
   * @throws DumpInterruptedException at {@code NLMSG_DONE} if any message of the dump was flagged
   *     {@code NLM_F_DUMP_INTR}; the whole dump has then been read and may be asked for again
   * @throws IllegalStateException if the dump is already complete or has failed
   */
  public boolean accept(ByteBuffer datagram) throws IOException {
    if (progress != Progress.READING) {
      throw new IllegalStateException("The " + query + " dump is already " + progress);
    }
    ByteBuffer in = datagram.slice().order(order);
    datagram.position(datagram.limit());
    try {
      boolean done = decode(in);
      offset += in.limit();
      if (done && interrupted) {
        throw new DumpInterruptedException(
            "The kernel flagged the "
                + query
                + " dump as interrupted (NLM_F_DUMP_INTR): sockets changed while it was read");
      }
      progress = done ? Progress.COMPLETE : Progress.READING;
      return done;
    } catch (IOException | RuntimeException e) {
      progress = Progress.FAILED;
      sockets.clear();
      throw e;
    }
  }

  /** Decodes every message of a datagram; returns whether the last one was NLMSG_DONE. */
  private boolean decode(ByteBuffer in) throws IOException {
    if (!in.hasRemaining()) {
      throw new MalformedDumpException(
          "Malformed " + query + " dump: an empty datagram at byte " + offset);
    }
    int position = 0;
    while (position < in.limit()) {
      if (doneRead) {
        throw malformed(position, "follows NLMSG_DONE in the same datagram");
      }
      position += message(in, position);
    }
    return doneRead;
  }

  /**
   * The sockets decoded so far, in the kernel's order, whether or not the dump is complete: for a
   * look at its start that does not need the rest.
   *
   * @throws IllegalStateException if the dump failed
   */
  public List<InetDiagSocket> socketsSoFar() {
    if (progress == Progress.FAILED) {
      throw new IllegalStateException("The " + query + " dump failed");
    }
    return List.copyOf(sockets);
  }

  /**
   * Every socket of the complete dump, in the kernel's order.
   *
   * @throws IllegalStateException if the dump is not complete
   */
  public List<InetDiagSocket> sockets() {
    if (progress != Progress.COMPLETE) {
      throw new IllegalStateException("The " + query + " dump is not complete");
    }
    // Nothing changes the list once the dump is complete.
    return Collections.unmodifiableList(sockets);
  }

  /** Decodes the message at {@code start}; returns how far to step to the next one. */
  private int message(ByteBuffer in, int start) throws IOException {
    int remaining = in.limit() - start;
    if (remaining < Netlink.HEADER_LENGTH) {
      throw malformed(start, "is truncated: " + remaining + " bytes left, a header needs 16");
    }
    long length = Integer.toUnsignedLong(in.getInt(start));
    if (length < Netlink.HEADER_LENGTH) {
      throw malformed(start, "declares a length of " + length + ", shorter than its header");
    }
    if (length > remaining) {
      throw malformed(
          start, "is truncated: it declares " + length + " bytes, " + remaining + " remain");
    }
    int type = Short.toUnsignedInt(in.getShort(start + 4));
    int flags = Short.toUnsignedInt(in.getShort(start + 6));
    int messageSequence = in.getInt(start + 8);
    int messagePortId = in.getInt(start + 12);
    if (messageSequence != sequence) {
      throw malformed(
          start,
          "has sequence number "
              + Integer.toUnsignedString(messageSequence)
              + ", the request had "
              + Integer.toUnsignedString(sequence));
    }
    if (messagePortId != portId) {
      throw malformed(
          start,
          "is addressed to port id "
              + Integer.toUnsignedString(messagePortId)
              + ", this socket is "
              + Integer.toUnsignedString(portId));
    }
    if ((flags & Netlink.NLM_F_DUMP_INTR) != 0) {
      interrupted = true;
    }
    int payload = start + Netlink.HEADER_LENGTH;
    int payloadLength = (int) length - Netlink.HEADER_LENGTH;
    switch (type) {
      case Netlink.SOCK_DIAG_BY_FAMILY -> sockets.add(socket(in, payload, payloadLength));
      case Netlink.NLMSG_DONE -> {
        done(in, payload, payloadLength);
        doneRead = true;
      }
      case Netlink.NLMSG_ERROR -> error(in, start, payload, payloadLength);
      case Netlink.NLMSG_NOOP -> {
        // A message to be ignored.
      }
      default -> throw malformed(start, "has the unexpected type " + type);
    }
    return Math.min(Netlink.align((int) length), remaining);
  }

  /** {@code NLMSG_DONE} carries the dump's final status: 0, or a negative errno. */
  private void done(ByteBuffer in, int payload, int payloadLength) throws IOException {
    if (payloadLength >= 4) {
      int status = in.getInt(payload);
      if (status < 0) {
        throw new NetlinkErrorException(query, -status);
      }
    }
  }

  /** {@code NLMSG_ERROR} carries {@code struct nlmsgerr}: a negative errno, then the request. */
  private void error(ByteBuffer in, int start, int payload, int payloadLength) throws IOException {
    if (payloadLength < 4) {
      throw malformed(start, "is an NLMSG_ERROR of " + payloadLength + " bytes, too short for one");
    }
    int status = in.getInt(payload);
    if (status == 0) {
      // An acknowledgement: never asked for, so the kernel did not take this as a dump request.
      throw malformed(start, "is an acknowledgement (NLMSG_ERROR 0) where a dump was expected");
    }
    if (status > 0) {
      throw malformed(start, "is an NLMSG_ERROR with the positive status " + status);
    }
    throw new NetlinkErrorException(query, -status);
  }

  /** {@code struct inet_diag_msg} followed by attributes. */
  private InetDiagSocket socket(ByteBuffer in, int payload, int payloadLength) throws IOException {
    int start = payload - Netlink.HEADER_LENGTH;
    if (payloadLength < Netlink.INET_DIAG_MSG_LENGTH) {
      throw malformed(
          start,
          "holds an inet_diag_msg of "
              + payloadLength
              + " bytes; it needs "
              + Netlink.INET_DIAG_MSG_LENGTH);
    }
    int family = Byte.toUnsignedInt(in.get(payload + Netlink.MSG_FAMILY));
    if (family != query.familyNumber()) {
      throw malformed(
          start, "describes a socket of family " + family + " in the " + query + " dump");
    }
    int state = Byte.toUnsignedInt(in.get(payload + Netlink.MSG_STATE));
    // Ports and addresses are in network order whatever the host's order is.
    int port =
        (Byte.toUnsignedInt(in.get(payload + Netlink.MSG_SPORT)) << 8)
            | Byte.toUnsignedInt(in.get(payload + Netlink.MSG_SPORT + 1));
    InetAddress address = addresses.at(in, payload + Netlink.MSG_SRC);
    long uid = Integer.toUnsignedLong(in.getInt(payload + Netlink.MSG_UID));
    long inode = Integer.toUnsignedLong(in.getInt(payload + Netlink.MSG_INODE));
    OptionalLong cgroupId =
        cgroupId(in, start, payload + Netlink.INET_DIAG_MSG_LENGTH, payload + payloadLength);
    return new InetDiagSocket(query.family(), state, address, port, uid, inode, cgroupId);
  }

  /** Walks the attributes between {@code from} and {@code to}; returns the cgroup id if sent. */
  private OptionalLong cgroupId(ByteBuffer in, int start, int from, int to) throws IOException {
    OptionalLong cgroupId = OptionalLong.empty();
    int position = from;
    while (position < to) {
      int remaining = to - position;
      if (remaining < Netlink.ATTRIBUTE_HEADER_LENGTH) {
        throw malformed(start, "ends in " + remaining + " bytes, too few for an attribute header");
      }
      int length = Short.toUnsignedInt(in.getShort(position));
      int type = Short.toUnsignedInt(in.getShort(position + 2)) & Netlink.ATTRIBUTE_TYPE_MASK;
      if (length < Netlink.ATTRIBUTE_HEADER_LENGTH || length > remaining) {
        throw malformed(
            start,
            "has attribute "
                + type
                + " with length "
                + length
                + " where "
                + remaining
                + " bytes remain");
      }
      if (type == Netlink.INET_DIAG_CGROUP_ID) {
        if (length != Netlink.ATTRIBUTE_HEADER_LENGTH + Long.BYTES) {
          throw malformed(start, "has a cgroup id attribute of length " + length + ", not 12");
        }
        if (cgroupId.isPresent()) {
          throw malformed(start, "has two cgroup id attributes");
        }
        long id = in.getLong(position + Netlink.ATTRIBUTE_HEADER_LENGTH);
        // The sockets of one process come one after another, most of the time: one value for all.
        if (lastCgroupId.isEmpty() || lastCgroupId.getAsLong() != id) {
          lastCgroupId = OptionalLong.of(id);
        }
        cgroupId = lastCgroupId;
      }
      position += Math.min(Netlink.align(length), remaining);
    }
    return cgroupId;
  }

  private MalformedDumpException malformed(int position, String fault) {
    return new MalformedDumpException(
        "Malformed " + query + " dump: the message at byte " + (offset + position) + " " + fault);
  }
}
