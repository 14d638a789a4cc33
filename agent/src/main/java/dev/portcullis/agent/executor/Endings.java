package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
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
   * group, as in Mesos's default executor, unless its own container alone was limited; the executor
   * ends with its last task. A task whose container alone was decided to be killed ends as decided,
   * whatever its exit.
   */
  void taskEnded(Executor executor, Task task, Termination exit) {
    Termination ending = task.decision().map(Decision::ending).orElse(exit);
    holdings.killQuietly(task.container());
    LOG.info(
        "Task {} of executor {} is {}: {}",
        task.taskId(),
        executor.executorId(),
        ending.state(),
        ending.message());
    holdings.report(executor, task, ending);
    if (ending.state() == TaskState.TASK_FAILED
        && !task.limitedAlone()
        && !executor.liveTasks().isEmpty()) {
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
   * Records that the isolator is about to kill an executor's root, or one task's container alone,
   * for a limitation, before it does. A container that is no running executor's root or live task's
   * container is left to the isolator.
   */
  void limiting(ContainerLimitation limitation) {
    ContainerId limited = limitation.container();
    Optional<Executor> owner = holdings.runningWithRoot(limited.root());
    if (owner.isEmpty()) {
      return;
    }
    Executor executor = owner.get();
    Decision decision = Decision.limited(limitation);
    if (limited.equals(executor.container())) {
      decide(executor, decision);
      return;
    }
    if (executor.decision().isPresent()) {
      // The whole executor is being killed already: that decision covers this task.
      return;
    }
    for (Task task : executor.liveTasks()) {
      if (task.container().equals(limited) && task.decide(decision)) {
        holdings.saveDecision(executor);
      }
    }
  }

  /**
   * Ends every executor the isolator has limited since the last look. The isolator killed the
   * executor's tree before raising the limitation, so it is killed again only if that kill left a
   * process: its live tasks fail with the limitation, and it is torn down.
   *
   * @return whether any executor was limited
   */
  boolean settleLimitations() {
    if (!holdings.takeLimitationsRaised()) {
      return false;
    }
    try {
      return settleEveryLimitation();
    } catch (RuntimeException | Error e) {
      holdings.limitationsStillRaised();
      throw e;
    }
  }

  private boolean settleEveryLimitation() {
    boolean any = false;
    for (Executor executor : holdings.running()) {
      Optional<ContainerLimitation> limitation = executor.limitation();
      if (limitation.isPresent()) {
        LOG.warn("Executor {} is limited: {}", executor.executorId(), limitation.get().message());
        // Decided before the isolator's kill, as it announced the limitation; decided here only if
        // that record could not be kept.
        Decision decided = decide(executor, Decision.limited(limitation.get()));
        if (!holdings.isEmpty(executor.container())) {
          holdings.killQuietly(executor.container());
        }
        reportLive(executor, decided.ending(), decided.reason());
        finish(executor);
        any = true;
      } else {
        any |= settleTaskLimitations(executor);
      }
    }
    return any;
  }

  /**
   * Ends each live task of the executor whose own container the isolator has limited alone: it
   * fails with the limitation, and its group goes on running without it; the executor ends if it
   * was the last.
   *
   * @return whether any task was limited
   */
  private boolean settleTaskLimitations(Executor executor) {
    boolean any = false;
    for (Task task : executor.liveTasks()) {
      Optional<ContainerLimitation> limitation = task.limitation();
      if (limitation.isEmpty() || task.state().isTerminal()) {
        continue;
      }
      any = true;
      LOG.warn(
          "Task {} of executor {} is limited: {}",
          task.taskId(),
          executor.executorId(),
          limitation.get().message());
      Decision decision = Decision.limited(limitation.get());
      if (task.decide(decision)) {
        // Decided before the isolator's kill, as it announced the limitation; decided here only if
        // that record could not be kept.
        holdings.saveDecision(executor);
      }
      endAlone(executor, task);
    }
    return any;
  }

  /**
   * Carries out the kill of one task's container alone, decided on and recorded: what is left in it
   * is killed, the task is reported with the decided ending, and the executor ends if it was the
   * last live task.
   */
  void endAlone(Executor executor, Task task) {
    Decision decided = task.decision().orElseThrow();
    if (!holdings.isEmpty(task.container())) {
      holdings.killQuietly(task.container());
    }
    holdings.observer.killed(decided.reason());
    LOG.info(
        "Task {} of executor {} is {}: {}",
        task.taskId(),
        executor.executorId(),
        decided.ending().state(),
        decided.ending().message());
    holdings.report(executor, task, decided.ending());
    if (executor.liveTasks().isEmpty()) {
      finish(executor);
    } else {
      holdings.save();
    }
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
