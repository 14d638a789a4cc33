package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import java.util.Optional;

/**
 * Why a task ended, and so its terminal status update. Exactly one is reported per run: the first
 * to happen, except that a limitation outranks the exit it causes (see {@link ExecutorCore}).
 */
public sealed interface Termination {

  /** The Mesos reason for a task that could not be started in its container. */
  String LAUNCH_FAILED_REASON = "REASON_CONTAINER_LAUNCH_FAILED";

  /** The terminal state to report. */
  TaskState state();

  /** The status update's message. */
  String message();

  /** The status update's reason, when Mesos would give one. */
  default Optional<String> reason() {
    return Optional.empty();
  }

  /** The unallocated ports to report as the limitation's {@code ports} resource, if limited. */
  default Optional<PortRanges> limitedPorts() {
    return Optional.empty();
  }

  /**
   * The command's process exited by itself.
   *
   * @param status the exit status; as the JDK reports it, 128 + N for a process killed by signal N
   */
  record Exited(int status) implements Termination {
    @Override
    public TaskState state() {
      return status == 0 ? TaskState.TASK_FINISHED : TaskState.TASK_FAILED;
    }

    @Override
    public String message() {
      return "Command exited with status " + status + hint();
    }

    private String hint() {
      if (status == 126) {
        return " (the command could not be executed)";
      }
      if (status == 127) {
        return " (the command was not found)";
      }
      if (status > 128 && status < 128 + 65) {
        // The JDK cannot tell exit(137) from SIGKILL; say which signal the status stands for.
        return " (as for a process killed by signal " + (status - 128) + ")";
      }
      return "";
    }
  }

  /** The isolator killed the container for listening on unallocated ports. */
  record Limited(ContainerLimitation limitation) implements Termination {
    @Override
    public TaskState state() {
      return TaskState.TASK_FAILED;
    }

    @Override
    public String message() {
      return limitation.message();
    }

    @Override
    public Optional<String> reason() {
      return Optional.of(limitation.reason());
    }

    @Override
    public Optional<PortRanges> limitedPorts() {
      return Optional.of(limitation.ports());
    }
  }

  /**
   * The task was killed on request: {@code portcullis run} was told to stop (a signal, or the JVM
   * shutting down), or the agent daemon was asked to kill its executor.
   *
   * @param message what told it, such as {@code Killed by SIGTERM to portcullis run}
   */
  record Killed(String message) implements Termination {
    @Override
    public TaskState state() {
      return TaskState.TASK_KILLED;
    }
  }

  /**
   * The command could not be started inside its container.
   *
   * @param problem what went wrong
   */
  record LaunchFailed(String problem) implements Termination {
    @Override
    public TaskState state() {
      return TaskState.TASK_FAILED;
    }

    @Override
    public String message() {
      return "Failed to launch the task: " + problem;
    }

    @Override
    public Optional<String> reason() {
      return Optional.of(LAUNCH_FAILED_REASON);
    }
  }

  /**
   * The task's processes are gone and no exit status was recorded: its supervising shell was
   * killed, or it ended while the agent daemon was down without recording one.
   */
  record Vanished() implements Termination {
    /** The Mesos reason for a task whose executor ended without saying how. */
    public static final String REASON = "REASON_EXECUTOR_TERMINATED";

    @Override
    public TaskState state() {
      return TaskState.TASK_FAILED;
    }

    @Override
    public String message() {
      return "The task's processes are gone and no exit status was recorded";
    }

    @Override
    public Optional<String> reason() {
      return Optional.of(REASON);
    }
  }

  /**
   * The cgroup an executor adopted holds no process any more, or is gone: the container its engine
   * started has ended. Its exit status is the engine's, which the agent does not ask for.
   *
   * @param cgroup the adopted cgroup, from its hierarchy's root
   */
  record Emptied(String cgroup) implements Termination {
    @Override
    public TaskState state() {
      return TaskState.TASK_FINISHED;
    }

    @Override
    public String message() {
      return "The adopted cgroup "
          + cgroup
          + " holds no process any more: the container in it has ended (its exit status is its"
          + " engine's to tell)";
    }
  }
}
