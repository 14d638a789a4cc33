package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerLimitation;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How tasks and executors end: each path kills what must die exactly once, reports every live task
 * once, and tears the executor down once its last task has ended.
 */
final class Endings {

  private static final Logger LOG = LoggerFactory.getLogger(Endings.class);

  private final Holdings holdings;

  Endings(Holdings holdings) {
    this.holdings = holdings;
  }

  /**
   * One task ended. What it left behind in its container is killed; a failed task fails its whole
   * group, as in Mesos's default executor; the executor ends with its last task.
   */
  void taskEnded(Executor executor, Task task, Termination ending) {
    holdings.killQuietly(task.container());
    LOG.info(
        "Task {} of executor {} is {}: {}",
        task.taskId(),
        executor.executorId(),
        ending.state(),
        ending.message());
    holdings.report(executor, task, ending);
    if (ending.state() == TaskState.TASK_FAILED && !executor.liveTasks().isEmpty()) {
      kill(executor, groupFailed(task), KillReason.TASK_GROUP_FAILED);
      return;
    }
    if (executor.liveTasks().isEmpty()) {
      finish(executor);
    } else {
      holdings.save();
    }
  }

  /** How the other tasks of a group end when one of them fails. */
  static Termination groupFailed(Task failed) {
    return new Termination.Killed(
        "Killed because task " + failed.taskId() + " of its task group failed");
  }

  /**
   * Decides to kill the executor, records the decision, kills its whole tree, reports each live
   * task with {@code ending}, and tears the executor down. A kill decided earlier and not carried
   * out, as when the agent stopped part-way through one, is the one carried out.
   */
  void kill(Executor executor, Termination ending, KillReason reason) {
    Decision decided = decide(executor, new Decision(ending, reason));
    holdings.killQuietly(executor.container());
    reportLive(executor, decided.ending(), decided.reason());
    finish(executor);
  }

  /**
   * Decides to kill the executor, and records it before anything is killed, unless a kill is
   * decided already. A decision that cannot be recorded is still carried out: the kill cannot wait.
   *
   * @return the decision that stands: this one, or the one made before
   */
  Decision decide(Executor executor, Decision decision) {
    if (executor.decide(decision)) {
      holdings.saveDecision(executor);
    }
    return executor.decision().orElseThrow();
  }

  /**
   * Records that the isolator is about to kill an executor's root for a limitation, before it does.
   * A container that is no running executor's root is left to the isolator.
   */
  void limiting(ContainerLimitation limitation) {
    holdings
        .runningWithRoot(limitation.container())
        .ifPresent(
            executor ->
                decide(
                    executor,
                    new Decision(
                        new Termination.Limited(limitation), KillReason.CONTAINER_LIMITATION)));
  }

  /**
   * Ends every executor the isolator has limited since the last look. The isolator killed the
   * executor's tree before raising the limitation, so it is killed again only if that kill left a
   * process: its live tasks fail with the limitation, and it is torn down.
   *
   * @return whether any executor was limited
   */
  boolean settleLimitations() {
    boolean any = false;
    for (Executor executor : holdings.running()) {
      Optional<ContainerLimitation> limitation = executor.limitation();
      if (limitation.isPresent()) {
        LOG.warn("Executor {} is limited: {}", executor.executorId(), limitation.get().message());
        // Decided before the isolator's kill, as it announced the limitation; decided here only if
        // that record could not be kept.
        Decision decided =
            decide(
                executor,
                new Decision(
                    new Termination.Limited(limitation.get()), KillReason.CONTAINER_LIMITATION));
        if (!holdings.isEmpty(executor.container())) {
          holdings.killQuietly(executor.container());
        }
        reportLive(executor, decided.ending(), decided.reason());
        finish(executor);
        any = true;
      }
    }
    return any;
  }

  private void reportLive(Executor executor, Termination ending, KillReason reason) {
    List<Task> live = executor.liveTasks();
    if (!live.isEmpty()) {
      holdings.observer.killed(reason);
    }
    for (Task task : live) {
      holdings.report(executor, task, ending);
    }
  }

  /**
   * The executor's tasks have all ended and their processes are gone: its guard and containers go,
   * and it is kept as terminated.
   */
  void finish(Executor executor) {
    holdings.isolator.ifPresent(ports -> ports.cleanup(executor.container()));
    holdings.removeQuietly(executor.container());
    executor.terminate();
    holdings.terminated(executor);
    LOG.info("Executor {} has terminated", executor.executorId());
    evictCompleted();
    holdings.save();
  }

  /**
   * Forgets the terminated executors beyond the number kept, and their files: those that ended
   * earliest, as Mesos does, so that one that has just ended can always be looked at.
   */
  private void evictCompleted() {
    for (Executor old : holdings.forgetOldest(holdings.settings.maxCompletedExecutors())) {
      holdings.launcher.discard(old.record());
    }
  }
}
