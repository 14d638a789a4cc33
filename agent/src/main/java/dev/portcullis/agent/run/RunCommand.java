package dev.portcullis.agent.run;

import dev.portcullis.agent.cli.AgentFlags;
import dev.portcullis.agent.cli.AgentSettings;
import dev.portcullis.agent.cli.NetworkNames;
import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.agent.oci.OciRuntime;
import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.config.AgentResources;
import dev.portcullis.core.config.FlagException;
import dev.portcullis.core.config.ResourcesFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis run [flags] -- COMMAND [ARG...]}: an embedded agent that runs one task.
 *
 * <p>It launches {@code COMMAND} as one task in a container of its own (a fresh cgroup named by a
 * UUID under {@code --cgroups_root}), enforces the task's ports until it ends, kills whatever the
 * task left running, removes the cgroup, and exits.
 *
 * <p>The contract, for the scripts and schedulers that drive it:
 *
 * <ul>
 *   <li>Flags are the Mesos agent's, with its names and defaults ({@code --isolation}, {@code
 *       --launcher}, {@code --enforce_container_ports}, ...), plus Portcullis's provider flags and
 *       the task's own ({@code --task_id}, {@code --task_resources}, {@code --task_networks},
 *       {@code --task_user}). Boolean flags take {@code --name}, {@code --name=true|false} and
 *       {@code --no-name}, as Mesos's do.
 *   <li>Standard output carries only status updates, one JSON object per line, shaped like the
 *       Mesos v1 {@code TaskStatus}: {@code TASK_STARTING}, {@code TASK_RUNNING}, then exactly one
 *       of {@code TASK_FINISHED}, {@code TASK_FAILED} or {@code TASK_KILLED}. A task killed for
 *       listening on unallocated ports is {@code TASK_FAILED} with reason {@code
 *       REASON_CONTAINER_LIMITATION}, the violation as message, and exactly the unallocated ports
 *       as the limitation's {@code ports} resource.
 *   <li>Logs, and the task's own output, go to standard error.
 *   <li>Exit status: 0 if and only if the task ended {@code TASK_FINISHED}; 1 for any other
 *       terminal state; 2 for a bad flag or a start-up failure, reported as one line naming the
 *       flag and the problem, before anything is created or launched.
 *   <li>SIGTERM or SIGINT kills the task, removes its cgroup and reports {@code TASK_KILLED}.
 * </ul>
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    customSynopsis = "portcullis run [FLAG...] -- COMMAND [ARG...]",
    description = {
      "Starts an embedded agent, launches COMMAND as one task in its own container (cgroup),"
          + " enforces its ports until it ends, and reports.",
      "",
      "Standard output carries only status updates, one JSON object per line, shaped like the"
          + " Mesos v1 TaskStatus: TASK_STARTING, TASK_RUNNING, then one of TASK_FINISHED,"
          + " TASK_FAILED or TASK_KILLED. A task killed for listening on unallocated ports is"
          + " TASK_FAILED with reason REASON_CONTAINER_LIMITATION and those ports in"
          + " limitation.resources. Logs and the task's own output go to standard error.",
      "SIGTERM or SIGINT kills the task, removes its cgroup and reports TASK_KILLED.",
      "",
      "Boolean flags take --name, --name=true|false and --no-name.",
      ""
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the task ended TASK_FINISHED",
      "1:the task ended TASK_FAILED or TASK_KILLED",
      "2:a bad flag or a start-up failure; nothing was launched"
    })
public final class RunCommand implements Callable<Integer> {

  private static final String TASK_ID = "task_id";
  private static final String TASK_RESOURCES = "task_resources";
  private static final String TASK_USER = "task_user";
  private static final String TASK_ROOTFS = "task_rootfs";

  @Spec CommandSpec spec;

  @Mixin AgentFlags agent;

  // The task's flags.

  @Option(
      names = "--task_id",
      paramLabel = "ID",
      description =
          "The task's id in status updates: no '.', '/', whitespace or control characters."
              + " Default: task-<UUID>.")
  String taskId;

  @Option(
      names = "--task_resources",
      paramLabel = "RESOURCES",
      description =
          "The task's resources, as for --resources; its ports are the task's allocation."
              + " Default: none (no ports are allocated).")
  String taskResources;

  @Option(
      names = "--task_networks",
      paramLabel = "NAMES",
      description =
          "Comma-separated CNI networks the task joins. A task on a named network has its own"
              + " network namespace and is not checked, as in Mesos. Default: none (the host"
              + " network).")
  String taskNetworks;

  @Option(
      names = "--" + TASK_USER,
      paramLabel = "NAME",
      description =
          "The user the task runs as, with --switch_user: a name, or a uid in digits, that the"
              + " host's passwd database holds. Default: none (the agent's user).")
  String taskUser;

  @Option(
      names = "--" + TASK_ROOTFS,
      paramLabel = "DIR",
      description =
          "Run the task in an OCI container with this root filesystem, an absolute path, through"
              + " the OCI runtime (--oci_runtime). The container shares the host's network; the"
              + " command must be in the root filesystem. Default: none (the task runs on the"
              + " host).")
  String taskRootfs;

  @Option(
      names = "--task_rootfs_writable",
      negatable = true,
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Let the container's task write to its root filesystem. Default: ${DEFAULT-VALUE}"
              + " (read-only).")
  boolean taskRootfsWritable;

  @Option(
      names = "--task_env",
      paramLabel = "NAME=VALUE",
      description =
          "A variable of the container's environment; repeat for more. Only with"
              + " --task_rootfs.")
  List<String> taskEnv = new ArrayList<>();

  @Option(
      names = "--task_cwd",
      paramLabel = "DIR",
      description =
          "The container's working directory, an absolute path inside it. Only with"
              + " --task_rootfs. Default: "
              + OciContainer.SANDBOX_MOUNT
              + ", where the agent's working directory is mounted.")
  String taskCwd;

  @Option(
      names = "--task_hostname",
      paramLabel = "NAME",
      description = "The container's host name. Only with --task_rootfs. Default: the host's.")
  String taskHostname;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "The task's command and its arguments, after --.")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() {
    RunSettings settings = settings();
    return TaskRun.prepare(settings, spec.commandLine().getOut()).run();
  }

  /**
   * Validates every flag, the agent's and the task's, without side effects.
   *
   * @throws FlagException naming the first bad flag
   * @throws ParameterException if no command was given, or a flag's form is wrong
   */
  RunSettings settings() {
    if (command.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "no task command: give it after '--', as in: portcullis run [FLAG...] -- COMMAND"
              + " [ARG...]");
    }
    AgentSettings agentSettings = agent.settings();
    ContainerConfig task =
        ContainerConfig.builder().ports(taskPorts()).networks(taskNetworks()).build();
    String id = taskId();
    TaskUsers users = agentSettings.users();
    Optional<TaskUser> user = taskUser(users, id);
    Optional<OciContainer> oci = taskContainer(agentSettings);
    return new RunSettings(agentSettings, id, task, user, oci, command);
  }

  /** The container of {@code --task_rootfs} and its companions, checked against the host. */
  private Optional<OciContainer> taskContainer(AgentSettings agentSettings) {
    if (taskRootfs == null) {
      for (String companion : containerFlagsGiven()) {
        throw FlagException.of(
            companion, "applies only to a task in a container: give --" + TASK_ROOTFS);
      }
      return Optional.empty();
    }
    if (!agentSettings.linuxLauncher()) {
      throw FlagException.invalidValue(
          TASK_ROOTFS, taskRootfs, "needs --launcher=linux: a container runs in its own cgroup");
    }
    if (taskNetworks != null && !taskNetworks().isEmpty()) {
      throw FlagException.invalidValue(
          TASK_ROOTFS,
          taskRootfs,
          "a container shares the host's network namespace; it cannot join --task_networks");
    }
    if (agentSettings.oci().isEmpty()) {
      throw FlagException.invalidValue(
          TASK_ROOTFS,
          taskRootfs,
          "no OCI runtime: install "
              + OciRuntime.DEFAULT_PROGRAM
              + " (Debian's package runc) on PATH, or give --oci_runtime=PROGRAM");
    }
    Map<String, String> env = new HashMap<>();
    for (String variable : taskEnv) {
      int equals = variable.indexOf('=');
      if (equals <= 0) {
        throw FlagException.invalidValue("task_env", variable, "must be NAME=VALUE");
      }
      if (env.put(variable.substring(0, equals), variable.substring(equals + 1)) != null) {
        throw FlagException.invalidValue(
            "task_env", variable, "sets " + variable.substring(0, equals) + " twice");
      }
    }
    try {
      OciContainer container =
          new OciContainer(
              Path.of(taskRootfs),
              taskRootfsWritable,
              env,
              Optional.ofNullable(taskCwd),
              Optional.ofNullable(taskHostname));
      OciRuntime.check(container, command);
      return Optional.of(container);
    } catch (OciContainer.InvalidFieldException e) {
      String flag = "task_" + e.field().replaceFirst("\\..*", "");
      throw FlagException.of(flag.equals("task_rootfs") ? TASK_ROOTFS : flag, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw FlagException.invalidValue(TASK_ROOTFS, taskRootfs, e.getMessage(), e);
    }
  }

  private List<String> containerFlagsGiven() {
    List<String> given = new ArrayList<>();
    if (taskRootfsWritable) {
      given.add("task_rootfs_writable");
    }
    if (!taskEnv.isEmpty()) {
      given.add("task_env");
    }
    if (taskCwd != null) {
      given.add("task_cwd");
    }
    if (taskHostname != null) {
      given.add("task_hostname");
    }
    return given;
  }

  private String taskId() {
    if (taskId == null) {
      return "task-" + UUID.randomUUID();
    }
    if (taskId.isBlank()) {
      throw FlagException.invalidValue(TASK_ID, taskId, "must not be blank");
    }
    try {
      ContainerId.of(taskId);
    } catch (IllegalArgumentException e) {
      throw FlagException.invalidValue(
          TASK_ID, taskId, "may not contain '.', '/', whitespace or control characters", e);
    }
    return taskId;
  }

  private Optional<TaskUser> taskUser(TaskUsers users, String id) {
    if (taskUser == null) {
      return Optional.empty();
    }
    try {
      return users.resolve(taskUser, id);
    } catch (IllegalArgumentException e) {
      throw FlagException.invalidValue(TASK_USER, taskUser, e.getMessage(), e);
    }
  }

  private PortRanges taskPorts() {
    if (taskResources == null) {
      return PortRanges.empty();
    }
    try {
      return AgentResources.parse(taskResources).ports().orElse(PortRanges.empty());
    } catch (ResourcesFormatException e) {
      throw FlagException.invalidValue(TASK_RESOURCES, taskResources, e.problem(), e);
    }
  }

  private List<String> taskNetworks() {
    return taskNetworks == null ? List.of() : NetworkNames.parse(taskNetworks);
  }
}
