/**
 * The {@code NETLINK_SOCK_DIAG} wire format in pure Java over {@link java.nio.ByteBuffer}: the dump
 * request ({@link dev.portcullis.netlink.codec.InetDiagRequest}) and the decoder of the reply
 * stream ({@link dev.portcullis.netlink.codec.InetDiagDump}). Nothing here touches the kernel, so
 * every byte can be tested on crafted input.
 *
 * <p>Layouts follow {@code <linux/netlink.h>} and {@code <linux/inet_diag.h>}: netlink headers,
 * uid, inode and attribute values are in the host's byte order; ports and addresses are in network
 * order. The decoders take the host order as a parameter so both orders can be tested.
 */
package dev.portcullis.netlink.codec;
