package dev.portcullis.netlink.codec;

/**
 * Numbers and sizes from {@code <linux/netlink.h>}, {@code <linux/sock_diag.h>} and {@code
 * <linux/inet_diag.h>} that the encoder and decoder share.
 */
final class Netlink {

  private Netlink() {}

  /** {@code sizeof(struct nlmsghdr)}: len u32, type u16, flags u16, seq u32, pid u32. */
  static final int HEADER_LENGTH = 16;

  static final int NLMSG_NOOP = 1;
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;

  /** {@code SOCK_DIAG_BY_FAMILY}: the request type, and the type of every socket message. */
  static final int SOCK_DIAG_BY_FAMILY = 20;

  static final int NLM_F_REQUEST = 0x1;

  /** Set by the kernel when the data changed while the dump was being built. */
  static final int NLM_F_DUMP_INTR = 0x10;

  /** {@code NLM_F_ROOT | NLM_F_MATCH}. */
  static final int NLM_F_DUMP = 0x300;

  /** {@code sizeof(struct inet_diag_req_v2)}. */
  static final int INET_DIAG_REQ_V2_LENGTH = 56;

  /** {@code sizeof(struct inet_diag_msg)}. */
  static final int INET_DIAG_MSG_LENGTH = 72;

  /** {@code sizeof(struct nlattr)}: len u16, type u16. */
  static final int ATTRIBUTE_HEADER_LENGTH = 4;

  /** Attribute types carry two flag bits ({@code NLA_F_NESTED}, {@code NLA_F_NET_BYTEORDER}). */
  static final int ATTRIBUTE_TYPE_MASK = 0x3fff;

  /** {@code INET_DIAG_CGROUP_ID}: u64, the cgroup v2 id the socket was created in. */
  static final int INET_DIAG_CGROUP_ID = 21;

  /** Offsets inside {@code struct inet_diag_msg}. */
  static final int MSG_FAMILY = 0;

  static final int MSG_STATE = 1;
  static final int MSG_SPORT = 4;
  static final int MSG_SRC = 8;
  static final int MSG_UID = 64;
  static final int MSG_INODE = 68;

  /** Netlink messages and attributes start on 4-byte boundaries. */
  static int align(int length) {
    return (length + 3) & ~3;
  }
}
