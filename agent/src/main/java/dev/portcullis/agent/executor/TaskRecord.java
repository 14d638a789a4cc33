package dev.portcullis.agent.executor;

import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One task as the executor core holds it at one moment: what the API shows and the checkpoint
 * keeps.
 *
 * @param taskId the task's id, unique on the agent
 * @param container the task's container
 * @param command the command as given
 * @param user the user the command runs as; empty for the agent's user
 * @param oci the OCI container the command runs in; empty when it runs on the host
 * @param sandbox the task's working directory
 * @param exitStatusFile where its shell records the command's exit status, if anywhere
 * @param state the last state reported
 * @param status the last status update reported, if any
 * @param pid the task's process (its supervising shell), once started
 * @param decision the kill of the task's container alone, once decided on: recorded before it is
 *     carried out, as an executor's is
 * @param listening the in-scope ports the last scan saw its container listen on, if judged
 */
public record TaskRecord(
    String taskId,
    ContainerId container,
    List<String> command,
    Optional<TaskUser> user,
    Optional<OciContainer> oci,
    Path sandbox,
    Optional<Path> exitStatusFile,
    TaskState state,
    Optional<TaskStatus> status,
    OptionalLong pid,
    Optional<Decision> decision,
    Optional<PortRanges> listening) {

  /** Checks for nulls. */
  public TaskRecord {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(container, "container");
    command = List.copyOf(command);
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(oci, "oci");
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(exitStatusFile, "exitStatusFile");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(listening, "listening");
  }

  /** The pid of a task still live; none once it has ended. */
  public OptionalLong livePid() {
    return state.isTerminal() ? OptionalLong.empty() : pid;
  }
}
