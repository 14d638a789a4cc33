package dev.portcullis.agent.executor;

import java.util.Optional;

/**
 * A request the core cannot carry out as asked, found out only against what the host holds: an
 * adoption of a cgroup that does not exist, or one this agent cannot follow. Nothing was changed.
 */
public final class RefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the request's field at fault, if one is
   */
  RefusedException(Optional<String> field, String message, Throwable cause) {
    super(message, cause);
    this.field = field.orElse(null);
  }

  /** The request's field at fault, such as {@code adoption.cgroup}. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
