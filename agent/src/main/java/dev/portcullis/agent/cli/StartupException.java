package dev.portcullis.agent.cli;

/**
 * A failure before anything was launched: a flag that fails validation, a provider that cannot be
 * selected, a port that cannot be bound. Reported as one line, with exit status 2.
 */
public final class StartupException extends RuntimeException {

  /** The exit status of a bad flag or a start-up failure. */
  public static final int EXIT_STATUS = 2;

  private static final long serialVersionUID = 1L;

  /** A failure the message describes whole. */
  public StartupException(String message) {
    super(message);
  }

  /** A failure the message describes, caused by {@code cause}. */
  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
