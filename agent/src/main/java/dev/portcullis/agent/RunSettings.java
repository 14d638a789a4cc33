package dev.portcullis.agent;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.List;
import java.util.Optional;

/**
 * What {@code portcullis run} was asked to do, every flag validated.
 *
 * @param isolatesPorts whether {@code --isolation} contains {@value #PORTS_ISOLATOR}: scan and
 *     enforce
 * @param linuxLauncher whether the task gets its own cgroup ({@code --launcher=linux}) rather than
 *     running as a plain child ({@code posix})
 * @param config the isolator's configuration; also the settings the providers are selected with
 * @param taskId the task's id, as reported
 * @param task the task's allocated ports and named networks
 * @param user the user the command runs as; empty for the agent's user
 * @param command the command and its arguments, as given; never empty
 * @param users how the command is switched to {@code user} ({@code --switch_user})
 */
record RunSettings(
    boolean isolatesPorts,
    boolean linuxLauncher,
    IsolatorConfig config,
    String taskId,
    ContainerConfig task,
    Optional<TaskUser> user,
    List<String> command,
    TaskUsers users) {

  /** The Mesos isolator this agent provides. */
  static final String PORTS_ISOLATOR = "network/ports";

  RunSettings {
    command = List.copyOf(command);
  }

  /** What is executed: {@code command}, switched to {@code user} when there is one. */
  List<String> argv() {
    return users.command(user, command);
  }
}
