package dev.portcullis.netlink.codec;

import java.nio.ByteBuffer;

/**
 * Encodes a dump request: a {@code struct nlmsghdr} followed by a {@code struct inet_diag_req_v2}
 * that asks for every socket of one family, protocol and state.
 *
 * <pre>
 *  0  nlmsg_len u32 = 72     16  sdiag_family u8     20  idiag_states u32
 *  4  nlmsg_type u16 = 20    17  sdiag_protocol u8   24  inet_diag_sockid (48 bytes, zero:
 *  6  nlmsg_flags u16        18  idiag_ext u8 = 0        no port, address or cookie filter)
 *  8  nlmsg_seq u32          19  pad u8
 * 12  nlmsg_pid u32 = 0
 * </pre>
 *
 * <p>No extensions are asked for ({@code idiag_ext} 0): the kernel sends the cgroup id unasked.
 *
 * @since 0.1
 */
public final class InetDiagRequest {

  /** The size of a request in bytes: 16 of header and 56 of {@code inet_diag_req_v2}. */
  public static final int LENGTH = Netlink.HEADER_LENGTH + Netlink.INET_DIAG_REQ_V2_LENGTH;

  /** {@code NLM_F_REQUEST | NLM_F_DUMP}. */
  static final int FLAGS = Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP;

  private InetDiagRequest() {}

  /**
   * Writes the request at the buffer's position and advances it by {@link #LENGTH}. The header
   * fields are written in the buffer's byte order, which must be the host's for a real kernel.
   *
   * @param query which sockets to dump
   * @param sequence the {@code nlmsg_seq} the replies will carry
   * @throws java.nio.BufferOverflowException if fewer than {@link #LENGTH} bytes remain
   */
  public static void encode(SockDiagQuery query, int sequence, ByteBuffer out) {
    out.putInt(LENGTH)
        .putShort((short) Netlink.SOCK_DIAG_BY_FAMILY)
        .putShort((short) FLAGS)
        .putInt(sequence)
        .putInt(0) // addressed to the kernel, which fills in the sender's port id itself
        .put((byte) query.familyNumber())
        .put((byte) query.protocolNumber())
        .put((byte) 0) // idiag_ext
        .put((byte) 0) // pad
        .putInt(query.stateMask());
    for (int i = 0; i < 48; i += 8) {
      out.putLong(0L); // inet_diag_sockid: match any port, address, interface and cookie
    }
  }
}
