package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.spawn.ExitWatch;
import java.io.IOException;
import java.util.Optional;

/**
 * Starts tasks' processes for the executor core: where their files go, what they run as, with which
 * environment and where their output goes. The core decides when; the launcher decides how.
 */
public interface TaskLauncher {

  /**
   * Chooses where a task about to be launched keeps its files; makes nothing yet.
   *
   * @param executor the executor's id
   * @param root the executor's container, whose name is never reused
   * @param task the task
   */
  TaskFiles place(String executor, String root, TaskSpec task);

  /**
   * Makes the directories {@link #place} chose, once the launch is recorded.
   *
   * @throws IOException if a directory cannot be made
   */
  void prepare(TaskFiles files) throws IOException;

  /**
   * Starts the task's process, held.
   *
   * @param executor the executor's id
   * @param ports the executor's allocated ports, as text, for the task's environment
   * @param task the task, with the files {@link #prepare} chose
   * @param cgroup the task's cgroup as a path from its hierarchy's root, if the tracker names one:
   *     what an OCI container's {@code linux.cgroupsPath} must be
   * @throws IOException if the process cannot be started; nothing is left running then
   */
  HeldProcess start(String executor, String ports, TaskRecord task, Optional<String> cgroup)
      throws IOException;

  /**
   * The exit status recorded for a task whose process is no child of this agent (one it recovered),
   * if the task has ended and recorded one.
   *
   * @throws IOException if a record exists but cannot be read
   */
  Optional<Integer> recordedExitStatus(TaskRecord task) throws IOException;

  /**
   * Where the processes of recovered tasks can be watched for their exit, so that a look at a task
   * still running reads none of its files: with a thousand tasks, those reads five times a second
   * are most of what a recovered agent costs. Empty where they cannot be (the default).
   */
  default Optional<ExitWatch> exitWatch() {
    return Optional.empty();
  }

  /**
   * The processes of a container, and of every container nested in it, are gone, and its cgroups
   * are about to be removed: removes what the launcher made for them outside their cgroups, such as
   * an OCI runtime's state and the cgroups it made in other hierarchies. Called for containers this
   * agent never launched too, such as orphans: what it does not know is nothing to remove.
   *
   * @throws IOException if something could not be removed
   */
  void released(ContainerId container) throws IOException;

  /**
   * Removes what {@link #prepare} made for the tasks of an executor the core forgets; a failure is
   * logged, not thrown.
   */
  void discard(ExecutorRecord executor);
}
