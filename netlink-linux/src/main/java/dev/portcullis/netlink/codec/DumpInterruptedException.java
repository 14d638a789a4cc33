package dev.portcullis.netlink.codec;

import java.io.IOException;

/**
 * The kernel flagged a dump with {@code NLM_F_DUMP_INTR}: the socket tables changed while it was
 * built, so the dump may be inconsistent. It is thrown only once the whole dump has been read, so
 * the netlink socket is left clean and the dump can simply be asked for again.
 *
 * @since 0.1
 */
public final class DumpInterruptedException extends IOException {

  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */
  public DumpInterruptedException(String message) {
    super(message);
  }
}
