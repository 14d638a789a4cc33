package dev.portcullis.agent.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.agent.engines.PodmanContainers;
import dev.portcullis.agent.executor.Adoption;
import dev.portcullis.agent.executor.ExecutorSpec;
import dev.portcullis.agent.executor.TaskSpec;
import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.agent.oci.OciRuntime;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.config.AgentResources;
import dev.portcullis.core.config.ResourcesFormatException;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Reads the bodies of the API's requests into validated values, refusing the whole request at the
 * first problem with a {@link BadRequest} naming the field. Unknown fields are refused too, so that
 * a misspelt one is never silently ignored.
 */
final class Requests {

  /** Ids become cgroup and directory names: keep them well short of a file name's limit. */
  static final int MAX_ID_LENGTH = 128;

  /** More would be a mistake rather than a task group. */
  static final int MAX_TASKS = 64;

  private static final Set<String> LAUNCH_FIELDS =
      Set.of("executor_id", "resources", "networks", "tasks", "adoption");
  private static final Set<String> ADOPTION_FIELDS = Set.of("cgroup", "podman", "task_id");
  private static final Set<String> TASK_FIELDS = Set.of("task_id", "command", "user", "container");
  private static final Set<String> CONTAINER_FIELDS =
      Set.of("type", "rootfs", "writable", "env", "cwd", "hostname");
  private static final Set<String> UPDATE_FIELDS = Set.of("resources");
  private static final Set<String> ACKNOWLEDGEMENT_FIELDS = Set.of("sequence");

  /** Turns a tree into the plain maps, lists, strings and numbers core's reader takes. */
  private static final ObjectMapper JSON_VALUES = new ObjectMapper();

  private Requests() {}

  /**
   * A launch request: {@code {"executor_id", "resources", "networks", "tasks": [...]}}, each task
   * {@code {"task_id", "command", "user"}}.
   *
   * @param users resolves each task's user, so that an unknown one is refused here, before anything
   *     is created
   * @param runtime the agent's OCI runtime, if it has one: a task naming a container is refused
   *     without one, and its root filesystem is checked here
   */
  static ExecutorSpec launch(JsonNode body, TaskUsers users, Optional<OciRuntime> runtime) {
    return launch(body, users, runtime, PodmanContainers.ofHost());
  }

  /**
   * A launch request, or an adoption: {@code {"executor_id", "resources", "adoption": {"cgroup":
   * PATH} | {"podman": NAME}, "task_id"}}, in which case there are no {@code tasks} and no {@code
   * networks}.
   *
   * @param podman finds a podman container's cgroup, on the request's thread
   */
  static ExecutorSpec launch(
      JsonNode body, TaskUsers users, Optional<OciRuntime> runtime, PodmanContainers podman) {
    requireObject(body, LAUNCH_FIELDS, "");
    String executorId = id(body.get("executor_id"), "executor_id", "executor-");
    Allocation resources = resources(body.get("resources"));
    List<String> networks = networks(body.get("networks"));
    if (body.has("adoption")) {
      return adoption(body, executorId, resources, networks, podman);
    }
    JsonNode tasks = body.get("tasks");
    if (tasks == null || !tasks.isArray() || tasks.isEmpty()) {
      throw BadRequest.field("tasks", "must be a non-empty array of tasks");
    }
    if (tasks.size() > MAX_TASKS) {
      throw BadRequest.field("tasks", "holds " + tasks.size() + " tasks; at most " + MAX_TASKS);
    }
    List<TaskSpec> specs = new ArrayList<>();
    Set<String> taskIds = new HashSet<>();
    for (int i = 0; i < tasks.size(); i++) {
      String field = "tasks[" + i + "]";
      JsonNode task = tasks.get(i);
      requireObject(task, TASK_FIELDS, field);
      String taskId = id(task.get("task_id"), field + ".task_id", "task-");
      if (!taskIds.add(taskId)) {
        throw BadRequest.field(field + ".task_id", "task id '" + taskId + "' is given twice");
      }
      List<String> command = command(task.get("command"), field + ".command");
      Optional<TaskUser> user = user(task.get("user"), field + ".user", taskId, users);
      Optional<OciContainer> container =
          container(task.get("container"), field + ".container", command, runtime);
      if (container.isPresent() && !networks.isEmpty()) {
        throw BadRequest.field(
            field + ".container",
            "an OCI container shares the host's network namespace; it cannot join the networks "
                + networks);
      }
      specs.add(new TaskSpec(taskId, command, user, container));
    }
    return new ExecutorSpec(executorId, resources.resources(), resources.ports(), networks, specs);
  }

  /**
   * A request's resources and the ports they hold.
   *
   * @param resources the text form as given, or the JSON form as its text: what the checkpoint
   *     keeps and the views show, and what {@link #ports(String)} reads back to the same ports
   */
  record Allocation(String resources, PortRanges ports) {}

  /** An update request: {@code {"resources": ...}}; the ports it holds replace the old ones. */
  static Allocation update(JsonNode body) {
    requireObject(body, UPDATE_FIELDS, "");
    if (body.get("resources") == null) {
      throw BadRequest.field(
          "resources", "is required; give \"\" or a string without ports for no ports");
    }
    return resources(body.get("resources"));
  }

  /**
   * The query of {@code GET /v1/events}: empty, or {@code after=SEQ} with a non-negative decimal
   * sequence number.
   */
  static OptionalLong after(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return OptionalLong.empty();
    }
    String[] parameter = rawQuery.split("=", 2);
    if (!parameter[0].equals("after") || rawQuery.contains("&")) {
      throw BadRequest.field(
          parameter[0], "unknown query parameter in '" + rawQuery + "'; the only one is after=SEQ");
    }
    return OptionalLong.of(sequence("after", parameter.length == 2 ? parameter[1] : ""));
  }

  /** An acknowledgement: {@code {"sequence": SEQ}}, every update up to which is acknowledged. */
  static long acknowledgement(JsonNode body) {
    requireObject(body, ACKNOWLEDGEMENT_FIELDS, "");
    JsonNode sequence = body.get("sequence");
    if (sequence == null || !sequence.isIntegralNumber() || !sequence.canConvertToLong()) {
      throw BadRequest.field("sequence", "is required: the sequence number to acknowledge up to");
    }
    if (sequence.longValue() < 0) {
      throw BadRequest.field("sequence", "must not be negative");
    }
    return sequence.longValue();
  }

  private static long sequence(String field, String text) {
    if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw BadRequest.field(
          field, "'" + text + "' is not a sequence number: give a non-negative decimal number");
    }
    return Long.parseLong(text);
  }

  /**
   * The ports of resources in either form, as text; none if they have no {@code ports}.
   *
   * @throws BadRequest naming {@code resources} if they cannot be parsed
   */
  static PortRanges ports(String resources) {
    return ports(() -> AgentResources.parse(resources));
  }

  private static PortRanges ports(Supplier<AgentResources> resources) {
    try {
      return resources.get().ports().orElse(PortRanges.empty());
    } catch (ResourcesFormatException e) {
      throw BadRequest.field("resources", e.getMessage());
    }
  }

  private static void requireObject(JsonNode node, Set<String> known, String where) {
    if (node == null || !node.isObject()) {
      if (where.isEmpty()) {
        throw BadRequest.body("the request body must be a JSON object");
      }
      throw BadRequest.field(where, "must be a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        String field = where.isEmpty() ? name : where + "." + name;
        throw BadRequest.field(field, "unknown field; expected one of " + new TreeSet<>(known));
      }
    }
  }

  private static String id(JsonNode node, String field, String defaultPrefix) {
    if (node == null || node.isNull()) {
      return defaultPrefix + UUID.randomUUID();
    }
    if (!node.isTextual()) {
      throw BadRequest.field(field, "must be a string");
    }
    String id = node.textValue();
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw BadRequest.field(field, "must hold 1 to " + MAX_ID_LENGTH + " characters");
    }
    try {
      ContainerId.of(id);
    } catch (IllegalArgumentException e) {
      throw BadRequest.field(
          field, "'" + id + "' may not contain '.', '/', whitespace or control characters");
    }
    return id;
  }

  /**
   * The resources as the request gives them, each form read once: a string as the agent's {@code
   * --resources} is read, and a Mesos JSON array straight from the request's tree.
   */
  private static Allocation resources(JsonNode node) {
    if (node == null || node.isNull()) {
      return new Allocation("", PortRanges.empty());
    }
    if (node.isTextual()) {
      return new Allocation(node.textValue(), ports(node.textValue()));
    }
    if (node.isArray()) {
      // Its text is kept for the checkpoint and the views, and quoted by errors; it is not read.
      String text = node.toString();
      List<?> resources = JSON_VALUES.convertValue(node, List.class);
      return new Allocation(text, ports(() -> AgentResources.ofJson(resources, text)));
    }
    throw BadRequest.field(
        "resources", "must be a string such as \"cpus:1;ports:[31000-31001]\" or a JSON array");
  }

  private static List<String> networks(JsonNode node) {
    List<String> networks = new ArrayList<>();
    if (node == null || node.isNull()) {
      return networks;
    }
    if (!node.isArray()) {
      throw BadRequest.field("networks", "must be an array of network names");
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode name = node.get(i);
      if (!name.isTextual() || name.textValue().isBlank()) {
        throw BadRequest.field("networks[" + i + "]", "must be a non-blank network name");
      }
      networks.add(name.textValue().strip());
    }
    return networks;
  }

  /** A user name or uid, resolved; absent or null for the agent's user. */
  private static Optional<TaskUser> user(
      JsonNode node, String field, String taskId, TaskUsers users) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw BadRequest.field(field, "must be a string: a user name, or a uid in digits");
    }
    try {
      return users.resolve(node.textValue(), taskId);
    } catch (IllegalArgumentException e) {
      throw BadRequest.field(field, e.getMessage());
    }
  }

  private static ExecutorSpec adoption(
      JsonNode body,
      String executorId,
      Allocation resources,
      List<String> networks,
      PodmanContainers podman) {
    if (body.has("tasks")) {
      throw BadRequest.field(
          "tasks", "an adoption launches nothing: give either tasks or adoption, not both");
    }
    if (!networks.isEmpty()) {
      throw BadRequest.field(
          "networks", "an adopted container is judged in the host's network namespace: give none");
    }
    JsonNode adoption = body.get("adoption");
    requireObject(adoption, ADOPTION_FIELDS, "adoption");
    String taskId = id(adoption.get("task_id"), "adoption.task_id", "task-");
    boolean byCgroup = adoption.has("cgroup");
    if (byCgroup == adoption.has("podman")) {
      throw BadRequest.field(
          "adoption",
          "give exactly one of cgroup (a path from the cgroup hierarchy's root) or podman");
    }
    Adoption adopted;
    if (byCgroup) {
      String cgroup = text(adoption.get("cgroup"), "adoption.cgroup", true).orElseThrow();
      if (!cgroup.startsWith("/") || cgroup.indexOf('\0') >= 0) {
        throw BadRequest.field(
            "adoption.cgroup",
            "'" + cgroup + "' must be a path from the cgroup hierarchy's root, starting with /");
      }
      adopted = new Adoption(cgroup, Optional.empty());
    } else {
      String name = text(adoption.get("podman"), "adoption.podman", true).orElseThrow();
      try {
        adopted = new Adoption(podman.cgroup(name), Optional.of(name));
      } catch (IllegalArgumentException e) {
        throw BadRequest.field("adoption.podman", e.getMessage());
      } catch (IOException e) {
        throw BadRequest.field("adoption.podman", "cannot ask podman: " + e.getMessage());
      }
    }
    return new ExecutorSpec(
        executorId,
        resources.resources(),
        resources.ports(),
        List.of(),
        List.of(new TaskSpec(taskId, List.of(), Optional.empty())),
        Optional.of(adopted));
  }

  /**
   * A task's container, {@code {"type": "oci", "rootfs": DIR, "writable", "env", "cwd",
   * "hostname"}}, checked against the host: the root filesystem must hold the command's program.
   */
  private static Optional<OciContainer> container(
      JsonNode node, String field, List<String> command, Optional<OciRuntime> runtime) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    requireObject(node, CONTAINER_FIELDS, field);
    JsonNode type = node.get("type");
    if (type == null || !type.isTextual() || !type.textValue().equals(OciContainer.TYPE)) {
      throw BadRequest.field(
          field + ".type", "is required, and the only type is \"" + OciContainer.TYPE + "\"");
    }
    if (runtime.isEmpty()) {
      throw BadRequest.field(
          field,
          "this agent has no OCI runtime: install "
              + OciRuntime.DEFAULT_PROGRAM
              + " (Debian's package runc) on its PATH, or start it with --oci_runtime=PATH");
    }
    String rootfs = text(node.get("rootfs"), field + ".rootfs", true).orElseThrow();
    Path rootfsPath;
    try {
      rootfsPath = Path.of(rootfs);
    } catch (InvalidPathException e) {
      throw BadRequest.field(field + ".rootfs", "'" + rootfs + "' is no path: " + e.getMessage());
    }
    JsonNode writable = node.get("writable");
    if (writable != null && !writable.isNull() && !writable.isBoolean()) {
      throw BadRequest.field(field + ".writable", "must be true or false");
    }
    Map<String, String> env = new HashMap<>();
    JsonNode variables = node.get("env");
    if (variables != null && !variables.isNull()) {
      if (!variables.isObject()) {
        throw BadRequest.field(field + ".env", "must be an object of names to string values");
      }
      for (Map.Entry<String, JsonNode> variable : variables.properties()) {
        if (!variable.getValue().isTextual()) {
          throw BadRequest.field(field + ".env." + variable.getKey(), "must be a string");
        }
        env.put(variable.getKey(), variable.getValue().textValue());
      }
    }
    OciContainer container;
    try {
      container =
          new OciContainer(
              rootfsPath,
              writable != null && writable.asBoolean(),
              env,
              text(node.get("cwd"), field + ".cwd", false),
              text(node.get("hostname"), field + ".hostname", false));
      OciRuntime.check(container, command);
    } catch (OciContainer.InvalidFieldException e) {
      throw BadRequest.field(field + "." + e.field(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw BadRequest.field(field, e.getMessage());
    }
    return Optional.of(container);
  }

  private static Optional<String> text(JsonNode node, String field, boolean required) {
    if (node == null || node.isNull()) {
      if (required) {
        throw BadRequest.field(field, "is required");
      }
      return Optional.empty();
    }
    if (!node.isTextual() || node.textValue().isEmpty()) {
      throw BadRequest.field(field, "must be a non-empty string");
    }
    return Optional.of(node.textValue());
  }

  /** An array is the argv; a string is a shell command, run by {@code /bin/sh -c}. */
  private static List<String> command(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      throw BadRequest.field(
          field, "is required: an array such as [\"sleep\", \"60\"] or a string");
    }
    if (node.isTextual()) {
      if (node.textValue().isBlank()) {
        throw BadRequest.field(field, "must not be blank");
      }
      if (node.textValue().indexOf('\0') >= 0) {
        throw BadRequest.field(field, "must not contain a NUL character");
      }
      return List.of("/bin/sh", "-c", node.textValue());
    }
    if (!node.isArray() || node.isEmpty()) {
      throw BadRequest.field(field, "must be a non-empty array of strings, or a string");
    }
    List<String> argv = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode arg = node.get(i);
      if (!arg.isTextual()) {
        throw BadRequest.field(field + "[" + i + "]", "must be a string");
      }
      if (arg.textValue().indexOf('\0') >= 0) {
        throw BadRequest.field(field + "[" + i + "]", "must not contain a NUL character");
      }
      argv.add(arg.textValue());
    }
    if (argv.get(0).isEmpty()) {
      throw BadRequest.field(field + "[0]", "the program must not be empty");
    }
    return argv;
  }
}
