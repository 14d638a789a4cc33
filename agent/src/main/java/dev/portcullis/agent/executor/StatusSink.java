package dev.portcullis.agent.executor;

/**
 * Where the executor core's status updates go, in the order it makes them: the daemon's event
 * stream, or {@code portcullis run}'s standard output. Called on the core's thread; must not block
 * for long.
 */
@FunctionalInterface
public interface StatusSink {

  /** Takes one update. */
  void publish(TaskStatus update);
}
