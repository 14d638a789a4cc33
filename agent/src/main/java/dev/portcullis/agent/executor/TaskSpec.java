package dev.portcullis.agent.executor;

import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.oci.OciContainer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One task of a launch request, validated.
 *
 * @param taskId the task's id, unique on the agent
 * @param command the program and its arguments; never empty
 * @param user the user the task runs as, resolved; empty for the agent's user
 * @param oci the OCI container the command runs in, checked; empty to run it on the host
 */
public record TaskSpec(
    String taskId, List<String> command, Optional<TaskUser> user, Optional<OciContainer> oci) {

  /** Copies the command. */
  public TaskSpec {
    command = List.copyOf(command);
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(oci, "oci");
  }

  /** A task that runs on the host. */
  public TaskSpec(String taskId, List<String> command, Optional<TaskUser> user) {
    this(taskId, command, user, Optional.empty());
  }
}
