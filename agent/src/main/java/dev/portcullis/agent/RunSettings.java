package dev.portcullis.agent;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.List;

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
 * @param command the command and its arguments; never empty
 */
record RunSettings(
    boolean isolatesPorts,
    boolean linuxLauncher,
    IsolatorConfig config,
    String taskId,
    ContainerConfig task,
    List<String> command) {

  /** The Mesos isolator this agent provides. */
  static final String PORTS_ISOLATOR = "network/ports";

  RunSettings {
    command = List.copyOf(command);
  }
}
