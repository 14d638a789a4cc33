package dev.portcullis.agent.executor;

import java.util.Optional;

/**
 * A request that conflicts with what the core holds: an id taken already, or a change to an
 * executor that has terminated. Nothing was changed.
 */
public final class ConflictException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the request's field at fault, if one is
   */
  ConflictException(Optional<String> field, String message) {
    super(message);
    this.field = field.orElse(null);
  }

  /** The request's field at fault, such as {@code tasks[1].task_id}. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
