package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.core.RecoveredContainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taking over what a previous agent left: the executors its journal recorded, the containers under
 * the root that no record knows (orphans), and the tasks that ended meanwhile.
 */
final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  private final Holdings holdings;
  private final Endings endings;

  Recovery(Holdings holdings, Endings endings) {
    this.holdings = holdings;
    this.endings = endings;
  }

  /**
   * Holds the recorded executors again, with the updates reported since they were recorded, kills
   * and removes every orphan, hands the running executors back to the isolator with their last
   * allocation, and carries out what the previous agent decided or had to decide and did not.
   *
   * @return how many tasks were running when the previous agent stopped
   * @throws IOException if the tracker cannot list the containers under its root
   */
  int recover(List<ExecutorRecord> recorded, Map<ContainerId, TaskStatus> reported)
      throws IOException {
    List<Executor> executors = new ArrayList<>();
    for (ExecutorRecord record : recorded) {
      Executor executor = Executor.restore(record);
      for (Task task : executor.tasks()) {
        Optional.ofNullable(reported.get(task.container())).ifPresent(task::caughtUp);
      }
      holdings.register(executor);
      executors.add(executor);
    }
    holdings.startRecording();
    for (Executor executor : executors) {
      // Only one whose task was running: an adoption that failed, or that the agent stopped in
      // the middle of, ends without its cgroup, so that ending it kills nothing of the engine's.
      if (!executor.terminated()
          && executor.adoption().isPresent()
          && executor.liveTasks().stream().anyMatch(t -> t.state() == TaskState.TASK_RUNNING)) {
        readopt(executor, executor.adoption().get());
      }
    }
    List<RecoveredContainer> recovered = new ArrayList<>();
    Set<ContainerId> known = new HashSet<>();
    for (Executor executor : executors) {
      if (executor.terminated()) {
        finishTeardown(executor);
        continue;
      }
      known.add(executor.container());
      recovered.add(RecoveredContainer.known(executor.container(), executor.config()));
      for (Task task : executor.tasks()) {
        if (known.add(task.container())
            && !task.state().isTerminal()
            && holdings.tracker.exists(task.container())) {
          recovered.add(RecoveredContainer.known(task.container(), Holdings.taskContainer(task)));
        }
      }
    }
    removeOrphans(known);
    holdings.isolator.ifPresent(ports -> ports.recover(recovered));
    int live = 0;
    for (Executor executor : holdings.running()) {
      holdings.watch(executor);
      live += executor.liveTasks().size();
      Optional<Decision> decided = executor.decision();
      if (decided.isPresent()) {
        LOG.info(
            "Completing the kill of executor {} that the agent decided on before it stopped ({})",
            executor.executorId(),
            decided.get().reason().label());
        endings.kill(executor, decided.get().ending(), decided.get().reason());
      } else if (executor.liveTasks().stream()
          .anyMatch(task -> task.state() == TaskState.TASK_STARTING)) {
        // The agent stopped during the launch: the journal holds the record kept before any
        // container was made, in which every task is starting (the next record is kept once all
        // run). So the launch failed as a whole, as one that fails while the agent runs does: every
        // task is reported launch-failed, not one of them failed and the others killed for it, and
        // the executor is killed once. A held shell never released would exit anyway, finding the
        // old agent's pipe closed.
        endings.kill(
            executor,
            new Termination.LaunchFailed("the agent stopped before it could start the task"),
            KillReason.LAUNCH_FAILED);
      } else {
        completeTaskDecisions(executor);
        if (!executor.terminated()) {
          settleReported(executor);
        }
      }
    }
    return live;
  }

  /**
   * Follows an adopted cgroup again. One that is gone ended while the agent was down: its task is
   * then seen to have ended, as the cgroup of an unadopted container holds nothing.
   */
  private void readopt(Executor executor, Adoption adoption) {
    try {
      holdings.tracker.adopt(executor.container(), adoption.cgroup());
      holdings.isolator.ifPresent(ports -> ports.adopt(executor.container(), adoption.cgroup()));
      LOG.info("Following {} again as executor {}", adoption.describe(), executor.executorId());
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "Executor {} adopted {}, which cannot be followed any more: {}",
          executor.executorId(),
          adoption.describe(),
          e.getMessage());
    }
  }

  /**
   * Completes each kill of one task's container alone that the previous agent decided on and did
   * not report: the task ends as decided, and its group goes on.
   */
  private void completeTaskDecisions(Executor executor) {
    for (Task task : executor.liveTasks()) {
      if (task.decision().isPresent() && !executor.terminated()) {
        LOG.info(
            "Completing the kill of task {} of executor {} that the agent decided on before it"
                + " stopped ({})",
            task.taskId(),
            executor.executorId(),
            task.decision().get().reason().label());
        endings.endAlone(executor, task);
      }
    }
  }

  /**
   * Carries out what the updates reported before the agent stopped call for, when it stopped before
   * it could: a failed task fails its group, unless its own container alone was limited; an
   * executor whose tasks have all ended is torn down.
   */
  private void settleReported(Executor executor) {
    if (executor.liveTasks().isEmpty()) {
      // Whatever the ended tasks left behind goes too, as when they ended.
      holdings.killQuietly(executor.container());
      endings.finish(executor);
      return;
    }
    executor.tasks().stream()
        .filter(task -> task.state() == TaskState.TASK_FAILED && !task.limitedAlone())
        .findFirst()
        .ifPresent(
            failed ->
                endings.kill(executor, Endings.groupFailed(failed), KillReason.TASK_GROUP_FAILED));
  }

  /** Kills and removes every container under the root, for {@code --recover=cleanup}. */
  void cleanUpEverything() throws IOException {
    for (ContainerId container : topLevel(holdings.tracker.containers())) {
      LOG.warn("--recover=cleanup: killing and removing container {}", container);
      killAndRemove(container);
      holdings.observer.killed(KillReason.RECOVERY_CLEANUP);
    }
  }

  /** Completes the teardown of an executor recorded as terminated, if a crash cut it short. */
  private void finishTeardown(Executor executor) throws IOException {
    if (holdings.tracker.exists(executor.container())) {
      LOG.info("Removing what is left of terminated executor {}", executor.executorId());
      killAndRemove(executor.container());
    }
  }

  private void removeOrphans(Set<ContainerId> known) throws IOException {
    List<ContainerId> orphans = new ArrayList<>();
    for (ContainerId container : holdings.tracker.containers()) {
      if (!known.contains(container)) {
        orphans.add(container);
      }
    }
    for (ContainerId orphan : topLevel(orphans)) {
      LOG.warn(
          "Container {} is under the agent's cgroups root but no checkpoint knows it: killing and"
              + " removing it",
          orphan);
      killAndRemove(orphan);
      holdings.observer.killed(KillReason.ORPHAN);
    }
  }

  private void killAndRemove(ContainerId container) {
    holdings.killQuietly(container);
    holdings.removeQuietly(container);
  }

  /** The containers none of whose ancestors is in the set: killing those kills them all. */
  static List<ContainerId> topLevel(Iterable<ContainerId> containers) {
    Set<ContainerId> all = new HashSet<>();
    containers.forEach(all::add);
    List<ContainerId> top = new ArrayList<>();
    for (ContainerId container : all) {
      Optional<ContainerId> parent = container.parent();
      boolean covered = false;
      while (parent.isPresent() && !covered) {
        covered = all.contains(parent.get());
        parent = parent.get().parent();
      }
      if (!covered) {
        top.add(container);
      }
    }
    top.sort(Comparator.comparing(ContainerId::toString));
    return top;
  }
}
