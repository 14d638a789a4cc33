package dev.portcullis.agent.run;

import dev.portcullis.agent.cli.AgentSettings;
import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.api.ContainerConfig;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.List;
import java.util.Optional;

/**
 * What {@code portcullis run} was asked to do, every flag validated.
 *
 * @param agent the agent's flags: which isolators, which launcher, the isolator's configuration
 * @param taskId the task's id, as reported
 * @param task the task's allocated ports and named networks
 * @param user the user the command runs as; empty for the agent's user
 * @param oci the OCI container the command runs in ({@code --task_rootfs}); empty to run it on the
 *     host
 * @param command the command and its arguments, as given; never empty
 */
record RunSettings(
    AgentSettings agent,
    String taskId,
    ContainerConfig task,
    Optional<TaskUser> user,
    Optional<OciContainer> oci,
    List<String> command) {

  RunSettings {
    command = List.copyOf(command);
  }

  /** What is executed: {@code command}, switched to {@code user} when there is one. */
  List<String> argv() {
    return users().command(user, command);
  }

  /** How the command is switched to {@code user} ({@code --switch_user}). */
  TaskUsers users() {
    return agent.users();
  }

  /** Whether ports are scanned and enforced: see {@link AgentSettings#isolatesPorts()}. */
  boolean isolatesPorts() {
    return agent.isolatesPorts();
  }

  /** Whether the task gets its own cgroup: see {@link AgentSettings#linuxLauncher()}. */
  boolean linuxLauncher() {
    return agent.linuxLauncher();
  }

  /** The isolator's configuration; also the settings the providers are selected with. */
  IsolatorConfig config() {
    return agent.config();
  }
}
