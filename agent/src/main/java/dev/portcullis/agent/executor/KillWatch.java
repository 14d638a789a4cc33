package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerLimitation;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the core knows about killing one container, an executor's root or a task's own: the kill
 * decided on, once one is (the first decision stands), and the isolator's watch, which completes
 * only if the isolator limits that container. Confined to the core's thread.
 */
final class KillWatch {

  private Optional<Decision> decision;
  private CompletableFuture<ContainerLimitation> limitation = new CompletableFuture<>();

  KillWatch(Optional<Decision> recorded) {
    this.decision = recorded;
  }

  /** The kill decided on, once one is. */
  Optional<Decision> decision() {
    return decision;
  }

  /**
   * Decides to kill the container, unless a kill is decided already.
   *
   * @return whether this decision is the one that stands
   */
  boolean decide(Decision kill) {
    if (decision.isPresent()) {
      return false;
    }
    decision = Optional.of(kill);
    return true;
  }

  /** The limitation the isolator raised on the container, once it has. */
  Optional<ContainerLimitation> limitation() {
    if (limitation.isDone() && !limitation.isCompletedExceptionally()) {
      return Optional.of(limitation.join());
    }
    return Optional.empty();
  }

  /** The isolator's watch on the container. */
  void watch(CompletableFuture<ContainerLimitation> watch) {
    this.limitation = watch;
  }

  /** The container is gone: nothing is watched any more. */
  void stopWatching() {
    limitation.cancel(false);
  }
}
