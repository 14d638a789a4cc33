package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.core.RecoveredContainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
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
   * Holds the recorded executors again, kills and removes every orphan, and hands the running
   * executors back to the isolator with their last allocation.
   *
   * @return how many tasks were running when the previous agent stopped
   * @throws IOException if the tracker cannot list the containers under its root
   */
  int recover(List<ExecutorRecord> recorded) throws IOException {
    List<RecoveredContainer> recovered = new ArrayList<>();
    Set<ContainerId> known = new HashSet<>();
    for (ExecutorRecord record : recorded) {
      Executor executor = Executor.restore(record);
      holdings.register(executor);
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
          recovered.add(RecoveredContainer.known(task.container(), Holdings.noPorts()));
        }
      }
    }
    removeOrphans(known);
    holdings.isolator.ifPresent(ports -> ports.recover(recovered));
    int live = 0;
    for (Executor executor : holdings.running()) {
      holdings.watch(executor);
      if (executor.liveTasks().stream().anyMatch(task -> task.state() == TaskState.TASK_STARTING)) {
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
      }
      live += executor.liveTasks().size();
    }
    return live;
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
