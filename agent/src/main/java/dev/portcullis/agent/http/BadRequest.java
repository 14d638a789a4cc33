package dev.portcullis.agent.http;

import java.util.Optional;

/**
 * A request the agent refuses, answered with a 4xx status and {@code {"error": ..., "field": ...}}.
 * Nothing was changed by the request.
 */
final class BadRequest extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient Optional<String> field;

  private BadRequest(int status, Optional<String> field, String message) {
    super(message);
    this.status = status;
    this.field = field;
  }

  /** 400: the field named holds a bad value. */
  static BadRequest field(String field, String message) {
    return new BadRequest(400, Optional.of(field), message);
  }

  /** 400: the body as a whole is wrong. */
  static BadRequest body(String message) {
    return new BadRequest(400, Optional.empty(), message);
  }

  /** 404: no such executor. */
  static BadRequest unknownExecutor(String executorId) {
    return new BadRequest(404, Optional.empty(), "no executor '" + executorId + "'");
  }

  /** 409: the request conflicts with what the agent holds, about the field named. */
  static BadRequest conflict(String field, String message) {
    return new BadRequest(409, Optional.of(field), message);
  }

  /** 409: the request conflicts with the executor's state. */
  static BadRequest conflict(String message) {
    return new BadRequest(409, Optional.empty(), message);
  }

  /** Any other 4xx, such as 405 or 413. */
  static BadRequest status(int status, String message) {
    return new BadRequest(status, Optional.empty(), message);
  }

  int status() {
    return status;
  }

  Optional<String> fieldName() {
    return field;
  }
}
