package dev.portcullis.agent.executor;

import dev.portcullis.spawn.ExitWatch;
import dev.portcullis.spawn.WatchedProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices tasks that have ended: a task this agent started has exited; a recovered one has recorded
 * its status, or left its container empty.
 */
final class Reaper {

  private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

  private final Holdings holdings;
  private final Endings endings;
  private final ScanBook scans;

  /** What the last look at every task saw: the holdings' changes, and each count of ends. */
  private long changesSeen = -1;

  private Map<EndCount, Long> endsSeen = Map.of();

  /** The running tasks whose end nothing counts, as the last look at every task found them. */
  private final List<Polled> polled = new ArrayList<>();

  Reaper(Holdings holdings, Endings endings, ScanBook scans) {
    this.holdings = holdings;
    this.endings = endings;
    this.scans = scans;
  }

  /** Reports every task that has ended since the last look. */
  void reap() {
    endings.settleLimitations();
    boolean watchedEnded = false;
    Optional<ExitWatch> exits = holdings.launcher.exitWatch();
    if (exits.isPresent()) {
      try {
        watchedEnded = exits.get().refresh() > 0;
      } catch (IOException e) {
        LOG.warn("Cannot look at the recovered tasks' processes: {}", e.getMessage());
        watchedEnded = true;
      }
    }
    List<Ended> ended = new ArrayList<>();
    if (watchedEnded || somethingChanged()) {
      lookAtEveryTask(ended);
    } else {
      lookAtPolledTasks(ended);
    }
    if (ended.isEmpty()) {
      return;
    }
    // A process that a port guard killed for listening is a limitation, not an exit: read the
    // guards, once for all the tasks that ended, before settling how they ended.
    scans.readGuards();
    endings.settleLimitations();
    for (Ended end : ended) {
      // One ending may have ended others before their turn: a failed task kills its group.
      if (!end.executor().terminated() && !end.task().state().isTerminal()) {
        endings.taskEnded(end.executor(), end.task(), end.ending());
      }
    }
  }

  /**
   * Whether any task may have ended unasked since the last look at every task: an executor or a
   * task changed, or one of the counts of ended processes grew.
   */
  private boolean somethingChanged() {
    if (holdings.changes() != changesSeen) {
      return true;
    }
    for (Map.Entry<EndCount, Long> count : endsSeen.entrySet()) {
      if (count.getKey().ended() != count.getValue()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Asks every running task, and learns which must be asked at every look: those whose end nothing
   * counts and no watch sees.
   */
  private void lookAtEveryTask(List<Ended> ended) {
    changesSeen = holdings.changes();
    Map<EndCount, Long> seen = new HashMap<>();
    polled.clear();
    for (Executor executor : holdings.running()) {
      for (Task task : executor.liveTasks()) {
        if (task.state() != TaskState.TASK_RUNNING) {
          continue;
        }
        // Read before the task is asked, so that an end after the answer grows the count past it.
        task.process()
            .flatMap(HeldProcess::endCount)
            .ifPresent(count -> seen.computeIfAbsent(count, EndCount::ended));
        Optional<Termination> ending = ending(executor, task);
        if (ending.isPresent()) {
          ended.add(new Ended(executor, task, ending.get()));
        } else if (!endIsSeen(executor, task)) {
          polled.add(new Polled(executor, task));
        }
      }
    }
    endsSeen = seen;
  }

  /** Asks only the tasks whose end nothing counts: nothing else changed since the last look. */
  private void lookAtPolledTasks(List<Ended> ended) {
    for (Polled poll : polled) {
      if (!poll.executor().terminated() && poll.task().state() == TaskState.TASK_RUNNING) {
        ending(poll.executor(), poll.task())
            .ifPresent(ending -> ended.add(new Ended(poll.executor(), poll.task(), ending)));
      }
    }
  }

  /**
   * Whether the task's end would show without asking it: its process's end is counted, or a watch
   * on its shell sees it.
   */
  private static boolean endIsSeen(Executor executor, Task task) {
    if (executor.adoption().isPresent()) {
      return false;
    }
    if (task.process().isPresent()) {
      return task.process().get().endCount().isPresent();
    }
    return task.watch().isPresent() && !task.watch().get().hasExited();
  }

  /** A running task asked at every look. */
  private record Polled(Executor executor, Task task) {}

  /**
   * Whether the supervising shell of a recovered task is watched and was still running at the last
   * look. The first look opens the watch, and keeps it only if the shell's pid is in the task's
   * container while the watch is open, so that a pid the task's shell no longer holds is never
   * watched for it.
   */
  private boolean shellStillRuns(Task task) throws IOException {
    Optional<ExitWatch> exits = holdings.launcher.exitWatch();
    if (exits.isEmpty() || task.pid().isEmpty()) {
      return false;
    }
    if (!task.watchTried()) {
      long pid = task.pid().getAsLong();
      Optional<WatchedProcess> found;
      try {
        found = exits.get().watch(pid);
      } catch (IOException e) {
        // A kernel without pidfds, or no descriptor left: this task is read at every look.
        LOG.debug("Task {} is not watched: {}", task.taskId(), e.getMessage());
        found = Optional.empty();
      }
      if (found.isPresent()) {
        boolean theTasks;
        try {
          theTasks = holdings.tracker.pids(task.container()).contains(pid);
        } catch (IOException | RuntimeException e) {
          found.get().close();
          throw e;
        }
        if (!theTasks) {
          found.get().close();
          found = Optional.empty();
        }
      }
      task.watched(found);
      // Opened after the last look: the next look tells.
      return found.isPresent();
    }
    return task.watch().isPresent() && !task.watch().get().hasExited();
  }

  /** A running task seen to have ended, not reported yet. */
  private record Ended(Executor executor, Task task, Termination ending) {}

  /** How a running task ended, if it has. */
  Optional<Termination> ending(Executor executor, Task task) {
    try {
      if (executor.adoption().isPresent()) {
        // Nothing of the agent's ever ran in it: the cgroup emptying is all there is to see.
        return holdings.tracker.pids(task.container()).isEmpty()
            ? Optional.of(new Termination.Emptied(executor.adoption().get().cgroup()))
            : Optional.empty();
      }
      if (task.process().isPresent()) {
        try {
          return task.process().get().exitStatus().map(Termination.Exited::new);
        } catch (IOException e) {
          LOG.warn(
              "Task {} is followed by its recorded status from now on: {}",
              task.taskId(),
              e.getMessage());
          task.processLost();
        }
      }
      // A recovered task is no child of this agent: its recorded status, or its empty container,
      // tells that it ended. While the shell that would record it is seen to run, neither can.
      if (shellStillRuns(task)) {
        return Optional.empty();
      }
      Optional<Integer> recorded = holdings.launcher.recordedExitStatus(task.record());
      if (recorded.isPresent()) {
        return Optional.of(new Termination.Exited(recorded.get()));
      }
      if (holdings.tracker.pids(task.container()).isEmpty()) {
        // Read again: the shell records the status just before it exits.
        return Optional.of(
            holdings
                .launcher
                .recordedExitStatus(task.record())
                .<Termination>map(Termination.Exited::new)
                .orElse(new Termination.Vanished()));
      }
    } catch (IOException e) {
      LOG.warn("Cannot tell whether task {} has ended: {}", task.taskId(), e.getMessage());
    }
    return Optional.empty();
  }
}
