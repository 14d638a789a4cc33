package dev.portcullis.netlink.codec;

import java.io.IOException;

/**
 * The reply to a dump broke the netlink format: a truncated or mis-sized message or attribute, a
 * wrong sequence number or port id, or a message of an unexpected type. Nothing of the dump is
 * used.
 *
 * @since 0.1
 */
public final class MalformedDumpException extends IOException {

  private static final long serialVersionUID = 1L;

  /** An exception whose message names the dump, the offset and the fault. */
  public MalformedDumpException(String message) {
    super(message);
  }
}
