package dev.portcullis.agent.checkpoint;

/** The checkpoint cannot be read, or does not describe what this agent can recover. */
public final class CheckpointException extends Exception {

  private static final long serialVersionUID = 1L;

  CheckpointException(String message) {
    super(message);
  }

  CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
