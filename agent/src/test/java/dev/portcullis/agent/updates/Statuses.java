package dev.portcullis.agent.updates;

import dev.portcullis.agent.executor.TaskState;
import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.agent.executor.Termination;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Status updates for the log's tests, of every shape StatusJson writes. */
final class Statuses {

  static final String EXECUTOR = "6f1f4a2c-3b8e-4d7a-9c1e-2a5b7d9e0f13";

  private Statuses() {}

  /** The container of the task numbered {@code task}, launched by the executor. */
  static ContainerId container(int task) {
    return ContainerId.parse(EXECUTOR + "." + new UUID(0x5eedL, task));
  }

  /**
   * The {@code n}th update of a run of them: for one of four containers, in turn starting, running,
   * killed, limited and finished, at a time to the microsecond as StatusJson writes it.
   */
  static TaskStatus update(int n) {
    int task = n % 4;
    TaskStatus running =
        TaskStatus.of(
            Optional.of("e"),
            "t" + task,
            container(task),
            TaskState.TASK_RUNNING,
            Instant.ofEpochSecond(1_795_361_307L + n, (n * 7_919L % 1_000_000L) * 1_000L));
    switch (n % 5) {
      case 0:
        return new TaskStatus(
            running.executorId(),
            running.taskId(),
            running.container(),
            TaskState.TASK_STARTING,
            running.timestamp(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
      case 1:
        return running;
      case 2:
        return running.endedBy(new Termination.Killed("Killed on request, \"n\" = " + n + " é"));
      case 3:
        return running.endedBy(
            new Termination.Limited(
                ContainerLimitation.builder()
                    .container(ContainerId.parse(EXECUTOR))
                    .ports(PortRanges.of(8080, 9090, 9091))
                    .message("Container " + EXECUTOR + " is listening on unallocated ports")
                    .build()));
      default:
        return running.endedBy(new Termination.Exited(0));
    }
  }

  /** The last update of each container among {@code updates}. */
  static Map<ContainerId, TaskStatus> lastPerContainer(List<SequencedUpdate> updates) {
    Map<ContainerId, TaskStatus> last = new HashMap<>();
    for (SequencedUpdate update : updates) {
      last.put(update.update().container(), update.update());
    }
    return last;
  }
}
