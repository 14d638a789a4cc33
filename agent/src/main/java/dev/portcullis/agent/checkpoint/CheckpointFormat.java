package dev.portcullis.agent.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.executor.Adoption;
import dev.portcullis.agent.executor.Decision;
import dev.portcullis.agent.executor.ExecutorRecord;
import dev.portcullis.agent.executor.SandboxLauncher;
import dev.portcullis.agent.executor.TaskRecord;
import dev.portcullis.agent.executor.TaskState;
import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.agent.status.StatusJson;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.config.AgentResources;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The checkpoint's content: which cgroups root and process tracker the agent ran with, and every
 * executor and task it held, with their containers, allocations, states and last status updates.
 * Reading is strict: anything missing or malformed makes the whole checkpoint unreadable, named by
 * its path in the document, because recovering from half a checkpoint could kill the wrong thing or
 * lose a task.
 *
 * <pre>{@code
 * {"format":1,"cgroups_root":"portcullis","process_tracker":"cgroups-v2",
 *  "executors":[{"executor_id":"web","container_id":"<uuid>","resources":"ports:[31000-31000]",
 *                "networks":[],"terminated":false,"decision":{...},
 *                "adoption":{"cgroup":"/libpod_parent/libpod-<id>","podman":"web"},
 *                "tasks":[{"task_id":"a","container_id":"<uuid>.<uuid>","command":["sleep","60"],
 *                          "user":{"name":"nobody","uid":65534,"gid":65534},
 *                          "container":{"type":"oci","rootfs":"/srv/rootfs",...},
 *                          "sandbox":"/var/lib/portcullis/sandboxes/<uuid>/a",
 *                          "exit_status":"/var/lib/portcullis/sandboxes/<uuid>/a.exit_status",
 *                          "state":"TASK_RUNNING","pid":1234,"status":{...}}]}]}
 * }</pre>
 *
 * <p>{@code adoption} is present for an executor that follows an existing cgroup instead of
 * launching: its one task is its container, and has an empty command. {@code decision} is present
 * once a kill of the executor is decided on: it is recorded before the kill is carried out (see
 * {@link CheckpointDecision}). A task has one of its own once a kill of its container alone is
 * decided on (a limitation of it, not of its executor). {@code user} is absent for a task that runs
 * as the agent's user, {@code container} for one that runs on the host (see {@link
 * CheckpointContainer}). Checkpoints written before tasks had users have neither {@code user} nor
 * {@code exit_status}: their tasks run as the agent's user and record their status in the sandbox,
 * as the shells started then still do.
 */
final class CheckpointFormat {

  static final int FORMAT = 1;

  /** What a checkpoint holds. */
  record Content(String cgroupsRoot, String processTracker, List<ExecutorRecord> executors) {}

  private CheckpointFormat() {}

  static ObjectNode write(
      String cgroupsRoot, String processTracker, List<ExecutorRecord> executors) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("format", FORMAT);
    root.put("cgroups_root", cgroupsRoot);
    root.put("process_tracker", processTracker);
    ArrayNode list = root.putArray("executors");
    for (ExecutorRecord executor : executors) {
      list.add(executor(executor));
    }
    return root;
  }

  /**
   * What follows the executors in a checkpoint's text: the end of their array and of the document.
   */
  static final byte[] SUFFIX = {']', '}'};

  /**
   * What precedes the executors in a checkpoint's text, as {@code json} writes the document: the
   * executors follow it, each as {@link #executor} makes it, separated by commas, then {@link
   * #SUFFIX}.
   */
  static byte[] prefix(ObjectMapper json, String cgroupsRoot, String processTracker) {
    String empty;
    try {
      empty = json.writeValueAsString(write(cgroupsRoot, processTracker, List.of()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a checkpoint's header cannot be serialized: " + e, e);
    }
    // The executors are the document's last field: their empty array closes it.
    if (!empty.endsWith("[]}")) {
      throw new IllegalStateException("a checkpoint without executors ends otherwise: " + empty);
    }
    return empty.substring(0, empty.length() - SUFFIX.length).getBytes(StandardCharsets.UTF_8);
  }

  /** One executor, as an element of the document's list of executors. */
  static ObjectNode executor(ExecutorRecord executor) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("executor_id", executor.executorId());
    e.put("container_id", executor.container().toString());
    e.put("resources", executor.resources());
    ArrayNode networks = e.putArray("networks");
    executor.networks().forEach(networks::add);
    e.put("terminated", executor.terminated());
    executor
        .adoption()
        .ifPresent(
            adoption -> {
              ObjectNode a = e.putObject("adoption");
              a.put("cgroup", adoption.cgroup());
              adoption.podman().ifPresent(name -> a.put("podman", name));
            });
    executor
        .decision()
        .ifPresent(decision -> e.set("decision", CheckpointDecision.write(decision)));
    ArrayNode tasks = e.putArray("tasks");
    for (TaskRecord task : executor.tasks()) {
      ObjectNode t = tasks.addObject();
      t.put("task_id", task.taskId());
      t.put("container_id", task.container().toString());
      ArrayNode command = t.putArray("command");
      task.command().forEach(command::add);
      task.user()
          .ifPresent(
              user -> {
                ObjectNode u = t.putObject("user");
                u.put("name", user.name());
                u.put("uid", user.uid());
                u.put("gid", user.gid());
              });
      task.oci().ifPresent(oci -> t.set("container", CheckpointContainer.write(oci)));
      t.put("sandbox", task.sandbox().toString());
      task.exitStatusFile().ifPresent(file -> t.put("exit_status", file.toString()));
      t.put("state", task.state().name());
      task.pid().ifPresent(pid -> t.put("pid", pid));
      task.status().ifPresent(status -> t.set("status", StatusJson.write(status)));
      task.decision().ifPresent(decision -> t.set("decision", CheckpointDecision.write(decision)));
    }
    return e;
  }

  /**
   * Reads a checkpoint back.
   *
   * @throws CheckpointException naming the first field that is missing or wrong
   */
  static Content read(JsonNode root) throws CheckpointException {
    CheckpointFields.object(root, "the document");
    long format = CheckpointFields.integer(root, "format", "").longValue();
    if (format != FORMAT) {
      throw new CheckpointException(
          "format " + format + " is not one this agent reads (" + FORMAT + ")");
    }
    String cgroupsRoot = CheckpointFields.text(root, "cgroups_root", "");
    String processTracker = CheckpointFields.text(root, "process_tracker", "");
    JsonNode list = CheckpointFields.array(root.get("executors"), "executors");
    List<ExecutorRecord> executors = new ArrayList<>();
    Set<String> executorIds = new HashSet<>();
    Set<String> taskIds = new HashSet<>();
    Set<ContainerId> containers = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "executors[" + i + "].";
      JsonNode e = CheckpointFields.object(list.get(i), "executors[" + i + "]");
      String executorId = CheckpointFields.id(e, "executor_id", at);
      if (!executorIds.add(executorId)) {
        throw new CheckpointException(at + "executor_id: '" + executorId + "' appears twice");
      }
      ContainerId container = CheckpointFields.container(e, "container_id", at);
      if (container.isNested()) {
        throw new CheckpointException(at + "container_id: '" + container + "' is nested");
      }
      if (!containers.add(container)) {
        throw new CheckpointException(at + "container_id: '" + container + "' appears twice");
      }
      String resources = CheckpointFields.text(e, "resources", at);
      PortRanges ports;
      try {
        ports = AgentResources.parse(resources).ports().orElse(PortRanges.empty());
      } catch (IllegalArgumentException ex) {
        throw new CheckpointException(at + "resources: " + ex.getMessage(), ex);
      }
      List<String> networks = CheckpointFields.strings(e, "networks", at, true);
      boolean terminated = CheckpointFields.bool(e, "terminated", at);
      Optional<Adoption> adoption =
          e.has("adoption") ? Optional.of(adoption(e.get("adoption"), at)) : Optional.empty();
      Optional<Decision> decision =
          e.has("decision")
              ? Optional.of(CheckpointDecision.read(e.get("decision"), container, at + "decision."))
              : Optional.empty();
      List<TaskRecord> taskRecords = new ArrayList<>();
      JsonNode tasks = CheckpointFields.array(e.get("tasks"), at + "tasks");
      if (tasks.isEmpty()) {
        throw new CheckpointException(at + "tasks: an executor has at least one task");
      }
      if (adoption.isPresent() && tasks.size() != 1) {
        throw new CheckpointException(at + "tasks: an adoption has exactly one task");
      }
      for (int j = 0; j < tasks.size(); j++) {
        String tat = at + "tasks[" + j + "].";
        JsonNode t = CheckpointFields.object(tasks.get(j), at + "tasks[" + j + "]");
        String taskId = CheckpointFields.id(t, "task_id", tat);
        if (!taskIds.add(taskId)) {
          throw new CheckpointException(tat + "task_id: '" + taskId + "' appears twice");
        }
        ContainerId taskContainer = CheckpointFields.container(t, "container_id", tat);
        if (adoption.isPresent() && !taskContainer.equals(container)) {
          throw new CheckpointException(
              tat + "container_id: '" + taskContainer + "' is not the adopted " + container);
        }
        if (adoption.isEmpty() && !taskContainer.parent().equals(Optional.of(container))) {
          throw new CheckpointException(
              tat + "container_id: '" + taskContainer + "' is not nested in " + container);
        }
        if (adoption.isEmpty() && !containers.add(taskContainer)) {
          throw new CheckpointException(
              tat + "container_id: '" + taskContainer + "' appears twice");
        }
        List<String> command = CheckpointFields.strings(t, "command", tat, adoption.isPresent());
        Optional<TaskUser> user =
            t.has("user") ? Optional.of(CheckpointFields.user(t, tat)) : Optional.empty();
        Optional<OciContainer> oci =
            t.has("container")
                ? Optional.of(CheckpointContainer.read(t.get("container"), tat + "container"))
                : Optional.empty();
        Path sandbox = CheckpointFields.path(t, "sandbox", tat);
        Path exitStatus =
            t.has("exit_status")
                ? CheckpointFields.path(t, "exit_status", tat)
                : sandbox.resolve(SandboxLauncher.EXIT_STATUS_FILE);
        TaskState state = CheckpointFields.state(t, tat);
        OptionalLong pid =
            t.has("pid")
                ? OptionalLong.of(CheckpointFields.integer(t, "pid", tat).longValue())
                : OptionalLong.empty();
        Optional<TaskStatus> status = Optional.empty();
        if (t.has("status")) {
          try {
            status = Optional.of(StatusJson.read(t.get("status")));
          } catch (IllegalArgumentException ex) {
            throw new CheckpointException(tat + "status: " + ex.getMessage(), ex);
          }
        }
        Optional<Decision> taskDecision =
            t.has("decision")
                ? Optional.of(
                    CheckpointDecision.read(t.get("decision"), taskContainer, tat + "decision."))
                : Optional.empty();
        taskRecords.add(
            new TaskRecord(
                taskId,
                taskContainer,
                command,
                user,
                oci,
                sandbox,
                Optional.of(exitStatus),
                state,
                status,
                pid,
                taskDecision,
                Optional.empty()));
      }
      executors.add(
          new ExecutorRecord(
              executorId,
              container,
              resources,
              ports,
              networks,
              terminated,
              Optional.empty(),
              Optional.empty(),
              decision,
              taskRecords,
              adoption));
    }
    return new Content(cgroupsRoot, processTracker, executors);
  }

  private static Adoption adoption(JsonNode node, String at) throws CheckpointException {
    CheckpointFields.object(node, at + "adoption");
    String cgroup = CheckpointFields.text(node, "cgroup", at + "adoption.");
    Optional<String> podman =
        node.has("podman")
            ? Optional.of(CheckpointFields.text(node, "podman", at + "adoption."))
            : Optional.empty();
    try {
      return new Adoption(cgroup, podman);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(at + "adoption.cgroup: " + e.getMessage(), e);
    }
  }
}
