package dev.portcullis.agent.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.cli.NetworkNames;
import dev.portcullis.core.config.FlagException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis launch}: asks a running agent to launch an executor with its tasks, by {@code
 * POST /v1/executors}, and prints the executor as the agent reports it.
 *
 * <p>The request body is {@code {"executor_id", "resources", "networks", "tasks":[{"task_id",
 * "command":[...], "user", "container"}]}}, all but {@code tasks} and each task's {@code command}
 * optional. It is built from the flags and COMMAND for one task, or read from {@code
 * --task_group=FILE} for several, the executor's flags then filling in what the file leaves out,
 * and {@code --task_user} the user of every task.
 */
@Command(
    name = "launch",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    customSynopsis = {
      "portcullis launch [FLAG...] -- COMMAND [ARG...]",
      "       portcullis launch [FLAG...] --task_group=FILE"
    },
    description = {
      "Asks the agent to launch an executor: one task running COMMAND, or the tasks in"
          + " --task_group. Prints the executor, as one line of JSON, to standard output.",
      ""
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the agent launched the executor",
      "1:the agent refused or failed to launch it; its error is on standard error",
      "2:a bad flag, or the agent cannot be reached"
    })
public final class LaunchCommand implements Callable<Integer> {

  private static final String EXECUTOR_ID = "executor_id";
  private static final String TASK_ID = "task_id";
  private static final String TASK_RESOURCES = "task_resources";
  private static final String TASK_NETWORKS = NetworkNames.FLAG;
  private static final String TASK_GROUP = "task_group";
  private static final String TASK_USER = "task_user";
  private static final String TASK_ROOTFS = "task_rootfs";

  @Spec CommandSpec spec;

  @Mixin AgentEndpoint agent;

  @Option(
      names = "--" + EXECUTOR_ID,
      paramLabel = "ID",
      description = "The executor's id. Default: the agent chooses one.")
  String executorId;

  @Option(
      names = "--" + TASK_ID,
      paramLabel = "ID",
      description = "The id of COMMAND's task; not with --task_group. Default: the agent chooses.")
  String taskId;

  @Option(
      names = "--" + TASK_RESOURCES,
      paramLabel = "RESOURCES",
      description =
          "The executor's resources, such as cpus:1;mem:32;ports:[31000-31009]; its ports are"
              + " shared by its tasks. Default: none (no ports are allocated).")
  String taskResources;

  @Option(
      names = "--" + TASK_NETWORKS,
      paramLabel = "NAMES",
      description =
          "Comma-separated CNI networks the executor joins. Default: none (the host network).")
  String taskNetworks;

  @Option(
      names = "--" + TASK_USER,
      paramLabel = "NAME",
      description =
          "The user the task runs as, or with --task_group every task: a name, or a uid in"
              + " digits, on the agent's host. Default: the agent's user.")
  String taskUser;

  @Option(
      names = "--" + TASK_ROOTFS,
      paramLabel = "DIR",
      description =
          "Run COMMAND in an OCI container with this root filesystem, a directory on the agent's"
              + " host, sharing the host's network; not with --task_group, whose tasks give"
              + " \"container\" objects. Default: none (COMMAND runs on the host).")
  String taskRootfs;

  @Option(
      names = "--task_rootfs_writable",
      negatable = true,
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Let the container's task write to its root filesystem; only with --task_rootfs."
              + " Default: ${DEFAULT-VALUE} (read-only).")
  boolean taskRootfsWritable;

  @Option(
      names = "--" + TASK_GROUP,
      paramLabel = "FILE",
      description =
          "A JSON file holding the launch request: {\"tasks\":[{\"task_id\":...,"
              + " \"command\":[...]}, ...]}, with \"executor_id\", \"resources\" and"
              + " \"networks\" if the flags do not give them. Instead of COMMAND.")
  Path taskGroup;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "The task's command and its arguments, after --.")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    AgentClient client = agent.client();
    return client.post("/v1/executors", request()).print(spec);
  }

  /**
   * The launch request the flags describe.
   *
   * @throws ParameterException if not exactly one of COMMAND and {@code --task_group} is given
   * @throws FlagException if a flag is bad, or contradicts the task group
   */
  ObjectNode request() {
    if (command.isEmpty() == (taskGroup == null)) {
      throw new ParameterException(
          spec.commandLine(),
          command.isEmpty()
              ? "no task: give COMMAND after '--', or --task_group=FILE"
              : "give COMMAND or --task_group=FILE, not both");
    }
    ObjectNode request;
    if (taskGroup == null) {
      request = AgentClient.JSON.createObjectNode();
      ObjectNode task = request.putArray("tasks").addObject();
      if (taskId != null) {
        task.put("task_id", taskId);
      }
      command.forEach(task.putArray("command")::add);
      if (taskRootfs != null) {
        ObjectNode container = task.putObject("container");
        container.put("type", "oci");
        container.put("rootfs", taskRootfs);
        container.put("writable", taskRootfsWritable);
      } else if (taskRootfsWritable) {
        throw FlagException.of("task_rootfs_writable", "only with --" + TASK_ROOTFS);
      }
    } else {
      if (taskRootfs != null || taskRootfsWritable) {
        throw FlagException.of(
            TASK_ROOTFS, "not with --task_group; give each task's container in " + taskGroup);
      }
      if (taskId != null) {
        throw FlagException.of(
            TASK_ID, "not with --task_group; give each task's task_id in " + taskGroup);
      }
      request = readTaskGroup();
    }
    if (executorId != null) {
      set(request, EXECUTOR_ID, "executor_id", request.textNode(executorId));
    }
    if (taskResources != null) {
      set(request, TASK_RESOURCES, "resources", request.textNode(taskResources));
    }
    if (taskNetworks != null) {
      set(request, TASK_NETWORKS, "networks", networks());
    }
    if (taskUser != null) {
      setUsers(request);
    }
    return request;
  }

  /** {@code --task_user} for every task, none of which may name its own. */
  private void setUsers(ObjectNode request) {
    JsonNode tasks = request.get("tasks");
    if (tasks == null || !tasks.isArray()) {
      // The agent refuses such a request, naming the field; no user can be set on it here.
      return;
    }
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i) instanceof ObjectNode task) {
        if (task.has("user")) {
          throw FlagException.of(
              TASK_USER,
              taskGroup
                  + " sets \"user\" for tasks["
                  + i
                  + "] too; give the users in the file or by --"
                  + TASK_USER
                  + ", not both");
        }
        task.put("user", taskUser);
      }
    }
  }

  /** The task group's launch request, as the file holds it. */
  private ObjectNode readTaskGroup() {
    JsonNode group;
    try {
      group = AgentClient.JSON.readTree(Files.readString(taskGroup));
    } catch (JsonProcessingException e) {
      throw badTaskGroup(
          "not JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null
                  ? ""
                  : " at line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()),
          e);
    } catch (NoSuchFileException e) {
      throw badTaskGroup("no such file", e);
    } catch (IOException e) {
      throw badTaskGroup("cannot read it: " + e.getMessage(), e);
    }
    if (group == null || !group.isObject()) {
      throw badTaskGroup(
          "must hold one JSON object, such as {\"tasks\":[{\"command\":[\"sleep\",\"60\"]}]}",
          null);
    }
    return (ObjectNode) group;
  }

  private FlagException badTaskGroup(String problem, Exception cause) {
    return FlagException.invalidValue(TASK_GROUP, taskGroup.toString(), problem, cause);
  }

  /** A flag's field, which the task group must leave to the flag. */
  private void set(ObjectNode request, String flag, String field, JsonNode value) {
    if (taskGroup != null && request.has(field)) {
      throw FlagException.of(
          flag,
          taskGroup
              + " sets \""
              + field
              + "\" too; give it in the file or by --"
              + flag
              + ", not both");
    }
    request.set(field, value);
  }

  private ArrayNode networks() {
    ArrayNode networks = AgentClient.JSON.createArrayNode();
    NetworkNames.parse(taskNetworks).forEach(networks::add);
    return networks;
  }
}
