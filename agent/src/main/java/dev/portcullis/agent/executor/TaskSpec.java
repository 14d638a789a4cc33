package dev.portcullis.agent.executor;

import dev.portcullis.agent.host.TaskUser;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One task of a launch request, validated.
 *
 * @param taskId the task's id, unique on the agent
 * @param command the program and its arguments; never empty
 * @param user the user the task runs as, resolved; empty for the agent's user
 */
public record TaskSpec(String taskId, List<String> command, Optional<TaskUser> user) {

  /** Copies the command. */
  public TaskSpec {
    command = List.copyOf(command);
    Objects.requireNonNull(user, "user");
  }
}
