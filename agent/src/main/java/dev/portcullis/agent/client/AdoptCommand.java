package dev.portcullis.agent.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis adopt}: asks a running agent to follow a container another engine started, by
 * {@code POST /v1/executors} with an {@code adoption} instead of tasks, and prints the executor as
 * the agent reports it.
 */
@Command(
    name = "adopt",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Asks the agent to adopt a running container it did not start, a podman container or any"
          + " cgroup, as an executor with one task: its ports are enforced as any executor's."
          + " Prints the executor, as one line of JSON, to standard output.",
      ""
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the agent adopted the container",
      "1:the agent refused or failed to adopt it; its error is on standard error",
      "2:a bad flag, or the agent cannot be reached"
    })
public final class AdoptCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin AgentEndpoint agent;

  @Option(
      names = "--executor_id",
      paramLabel = "ID",
      description = "The executor's id. Default: the agent chooses one.")
  String executorId;

  @Option(
      names = "--task_id",
      paramLabel = "ID",
      description = "The id of the container's task. Default: the agent chooses one.")
  String taskId;

  @Option(
      names = "--task_resources",
      paramLabel = "RESOURCES",
      description =
          "The container's resources, such as ports:[31000-31009]: its ports are its allocation."
              + " Default: none (no ports are allocated).")
  String taskResources;

  @ArgGroup(multiplicity = "1")
  Target target;

  /** What to adopt: exactly one of the two. */
  static final class Target {
    @Option(
        names = "--podman",
        paramLabel = "NAME",
        required = true,
        description = "A running podman container, by name or id, started with --network host.")
    String podman;

    @Option(
        names = "--cgroup",
        paramLabel = "PATH",
        required = true,
        description =
            "A cgroup, as a path from the cgroup hierarchy's root such as"
                + " /libpod_parent/libpod-<id>, as /proc/<pid>/cgroup shows it.")
    String cgroup;
  }

  @Override
  public Integer call() throws InterruptedException {
    return agent.client().post("/v1/executors", request()).print(spec);
  }

  /** The adoption request the flags describe. */
  ObjectNode request() {
    ObjectNode request = AgentClient.JSON.createObjectNode();
    if (executorId != null) {
      request.put("executor_id", executorId);
    }
    if (taskResources != null) {
      request.put("resources", taskResources);
    }
    ObjectNode adoption = request.putObject("adoption");
    if (target.podman != null) {
      adoption.put("podman", target.podman);
    } else {
      adoption.put("cgroup", target.cgroup);
    }
    if (taskId != null) {
      adoption.put("task_id", taskId);
    }
    return request;
  }
}
