package dev.portcullis.core;

import dev.portcullis.api.Stability;

/**
 * A scan could not be made at all, for example because the host's listening sockets could not be
 * read. Nothing was judged or killed by that scan; scheduled scans log it and go on.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class ScanFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * A failure with its cause.
   *
   * @param message what could not be done
   * @param cause why
   */
  public ScanFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
