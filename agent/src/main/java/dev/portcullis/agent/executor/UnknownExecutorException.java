package dev.portcullis.agent.executor;

/** A request named an executor the core does not hold (any more). */
public final class UnknownExecutorException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UnknownExecutorException(String executorId) {
    super("no executor '" + executorId + "'");
  }
}
