package dev.portcullis.agent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.agent.executor.TaskState;
import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.api.ContainerId;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint's fields, read strictly: each reader takes the path of its field in the document,
 * and a field that is missing or of the wrong kind fails with that path in the message.
 */
final class CheckpointFields {

  private CheckpointFields() {}

  static JsonNode object(JsonNode node, String at) throws CheckpointException {
    if (node == null || !node.isObject()) {
      throw new CheckpointException(at + ": must be an object");
    }
    return node;
  }

  static JsonNode array(JsonNode node, String at) throws CheckpointException {
    if (node == null || !node.isArray()) {
      throw new CheckpointException(at + ": must be an array");
    }
    return node;
  }

  static String text(JsonNode parent, String name, String at) throws CheckpointException {
    JsonNode node = parent.get(name);
    if (node == null || !node.isTextual()) {
      throw new CheckpointException(at + name + ": must be a string");
    }
    return node.textValue();
  }

  static Number integer(JsonNode parent, String name, String at) throws CheckpointException {
    JsonNode node = parent.get(name);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
      throw new CheckpointException(at + name + ": must be a non-negative whole number");
    }
    return node.longValue();
  }

  static boolean bool(JsonNode parent, String name, String at) throws CheckpointException {
    JsonNode node = parent.get(name);
    if (node == null || !node.isBoolean()) {
      throw new CheckpointException(at + name + ": must be true or false");
    }
    return node.booleanValue();
  }

  static String id(JsonNode parent, String name, String at) throws CheckpointException {
    String id = text(parent, name, at);
    try {
      ContainerId.of(id);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(at + name + ": " + e.getMessage(), e);
    }
    return id;
  }

  static ContainerId container(JsonNode parent, String name, String at) throws CheckpointException {
    try {
      return ContainerId.parse(text(parent, name, at));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(at + name + ": " + e.getMessage(), e);
    }
  }

  static List<String> strings(JsonNode parent, String name, String at, boolean mayBeEmpty)
      throws CheckpointException {
    JsonNode node = array(parent.get(name), at + name);
    if (!mayBeEmpty && node.isEmpty()) {
      throw new CheckpointException(at + name + ": must not be empty");
    }
    List<String> values = new ArrayList<>();
    for (JsonNode value : node) {
      if (!value.isTextual()) {
        throw new CheckpointException(at + name + ": must hold only strings");
      }
      values.add(value.textValue());
    }
    return values;
  }

  static TaskUser user(JsonNode task, String at) throws CheckpointException {
    JsonNode user = object(task.get("user"), at + "user");
    String name = text(user, "name", at + "user.");
    long uid = integer(user, "uid", at + "user.").longValue();
    long gid = integer(user, "gid", at + "user.").longValue();
    try {
      return new TaskUser(name, uid, gid);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(at + "user: " + e.getMessage(), e);
    }
  }

  static Path path(JsonNode parent, String name, String at) throws CheckpointException {
    String text = text(parent, name, at);
    try {
      Path path = Path.of(text);
      if (!path.isAbsolute()) {
        throw new CheckpointException(at + name + ": '" + text + "' is not an absolute path");
      }
      return path;
    } catch (InvalidPathException e) {
      throw new CheckpointException(at + name + ": " + e.getMessage(), e);
    }
  }

  static TaskState state(JsonNode parent, String at) throws CheckpointException {
    String text = text(parent, "state", at);
    try {
      return TaskState.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(at + "state: '" + text + "' is not a task state", e);
    }
  }
}
