package dev.portcullis.agent.updates;

/**
 * The status update log cannot be read at start-up: it is corrupt, or cannot be read or repaired.
 * The message names the file and, for corruption, the byte offset of the first bad record.
 */
public final class UpdateLogException extends Exception {

  private static final long serialVersionUID = 1L;

  UpdateLogException(String message) {
    super(message);
  }

  UpdateLogException(String message, Throwable cause) {
    super(message, cause);
  }
}
