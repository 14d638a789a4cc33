package dev.portcullis.netlink.codec;

import dev.portcullis.api.AddressFamily;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The test side's own encoder of what the kernel sends: netlink messages, {@code inet_diag_msg} and
 * attributes, written field by field from the kernel headers so that it shares no code with the
 * decoder under test.
 */
public final class Wire {

  public static final int NLMSG_NOOP = 1;
  public static final int NLMSG_ERROR = 2;
  public static final int NLMSG_DONE = 3;
  public static final int NLMSG_OVERRUN = 4;
  public static final int SOCK_DIAG_BY_FAMILY = 20;
  public static final int NLM_F_MULTI = 0x2;
  public static final int NLM_F_DUMP_INTR = 0x10;
  public static final int INET_DIAG_SHUTDOWN = 8;
  public static final int INET_DIAG_SKV6ONLY = 11;
  public static final int INET_DIAG_PAD = 14;
  public static final int INET_DIAG_CGROUP_ID = 21;
  public static final int NLA_F_NESTED = 0x8000;

  private final ByteOrder order;
  private final int sequence;
  private final int portId;

  public Wire(ByteOrder order, int sequence, int portId) {
    this.order = order;
    this.sequence = sequence;
    this.portId = portId;
  }

  ByteOrder order() {
    return order;
  }

  /** A whole message: header then payload, its length field covering both. */
  public byte[] message(int type, int flags, byte[] payload) {
    return message(type, flags, sequence, portId, payload);
  }

  public byte[] message(int type, int flags, int seq, int pid, byte[] payload) {
    ByteBuffer out = ByteBuffer.allocate(16 + payload.length).order(order);
    out.putInt(16 + payload.length)
        .putShort((short) type)
        .putShort((short) flags)
        .putInt(seq)
        .putInt(pid)
        .put(payload);
    return out.array();
  }

  /** A socket message: {@code inet_diag_msg} and attributes (cgroup id first when present). */
  public byte[] socket(InetDiagSocket socket, int flags, byte[]... extraAttributes) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.writeBytes(inetDiagMsg(socket));
    socket.cgroupId().ifPresent(id -> payload.writeBytes(u64Attribute(INET_DIAG_CGROUP_ID, id)));
    for (byte[] attribute : extraAttributes) {
      payload.writeBytes(attribute);
    }
    return message(SOCK_DIAG_BY_FAMILY, flags | NLM_F_MULTI, payload.toByteArray());
  }

  /** {@code struct inet_diag_msg}, 72 bytes; fields the decoder ignores get recognizable junk. */
  public byte[] inetDiagMsg(InetDiagSocket socket) {
    ByteBuffer out = ByteBuffer.allocate(72).order(order);
    out.put((byte) (socket.family() == AddressFamily.IPV4 ? 2 : 10));
    out.put((byte) socket.state());
    out.put((byte) 0x5a); // timer
    out.put((byte) 0x5b); // retrans
    // inet_diag_sockid: ports and addresses in network order
    out.order(ByteOrder.BIG_ENDIAN).putShort((short) socket.port()).putShort((short) 0x1234);
    out.put(addressBytes(socket));
    out.put(new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9});
    out.order(order);
    out.putInt(3); // if
    out.putInt(0xdeadbeef).putInt(0xcafebabe); // cookie
    out.putInt(7).putInt(11).putInt(13); // expires, rqueue, wqueue
    out.putInt((int) socket.uid());
    out.putInt((int) socket.inode());
    return out.array();
  }

  /**
   * The 16 {@code idiag_src} bytes: IPv4 in the first four, IPv4-mapped as {@code ::ffff:a.b.c.d}.
   */
  static byte[] addressBytes(InetDiagSocket socket) {
    byte[] src = new byte[16];
    byte[] raw = socket.address().getAddress();
    if (socket.family() == AddressFamily.IPV4) {
      System.arraycopy(raw, 0, src, 0, 4);
    } else if (socket.address() instanceof Inet4Address) {
      src[10] = (byte) 0xff;
      src[11] = (byte) 0xff;
      System.arraycopy(raw, 0, src, 12, 4);
    } else {
      System.arraycopy(raw, 0, src, 0, 16);
    }
    return src;
  }

  /** An attribute, padded to 4 bytes; its length field excludes the padding. */
  public byte[] attribute(int type, byte[] value) {
    int length = 4 + value.length;
    ByteBuffer out = ByteBuffer.allocate((length + 3) & ~3).order(order);
    out.putShort((short) length).putShort((short) type).put(value);
    return out.array();
  }

  public byte[] u64Attribute(int type, long value) {
    return attribute(type, ByteBuffer.allocate(8).order(order).putLong(value).array());
  }

  public byte[] done() {
    return message(NLMSG_DONE, NLM_F_MULTI, ByteBuffer.allocate(4).order(order).putInt(0).array());
  }

  /** {@code struct nlmsgerr}: the negated errno, then a copy of the request header. */
  public byte[] error(int errno) {
    ByteBuffer out = ByteBuffer.allocate(4 + 16).order(order);
    out.putInt(-errno)
        .putInt(72)
        .putShort((short) 20)
        .putShort((short) 0x301)
        .putInt(sequence)
        .putInt(0);
    return message(NLMSG_ERROR, 0, out.array());
  }

  public static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    return concat(List.of(parts));
  }
}
