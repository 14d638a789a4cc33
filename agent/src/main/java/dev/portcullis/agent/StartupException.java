package dev.portcullis.agent;

/**
 * A failure before anything was launched: a flag that fails validation, a provider that cannot be
 * selected, a port that cannot be bound. Reported as one line, with exit status 2.
 */
public final class StartupException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
