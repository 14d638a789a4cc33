package dev.portcullis.agent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.agent.oci.OciContainerJson;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A task's OCI container in the checkpoint, as the API takes it:
 *
 * <pre>{@code
 * {"type":"oci","rootfs":"/srv/rootfs/web","writable":false,"env":{"MODE":"prod"},
 *  "cwd":"/srv","hostname":"web"}
 * }</pre>
 *
 * {@code cwd} and {@code hostname} are absent when the task gave none.
 */
final class CheckpointContainer {

  private CheckpointContainer() {}

  static ObjectNode write(OciContainer container) {
    return OciContainerJson.write(container);
  }

  static OciContainer read(JsonNode node, String at) throws CheckpointException {
    CheckpointFields.object(node, at);
    String type = CheckpointFields.text(node, "type", at + ".");
    if (!type.equals(OciContainer.TYPE)) {
      throw new CheckpointException(at + ".type: '" + type + "' is no container type");
    }
    Path rootfs = CheckpointFields.path(node, "rootfs", at + ".");
    boolean writable = CheckpointFields.bool(node, "writable", at + ".");
    JsonNode env = CheckpointFields.object(node.get("env"), at + ".env");
    Map<String, String> variables = new TreeMap<>();
    for (Map.Entry<String, JsonNode> variable : env.properties()) {
      variables.put(variable.getKey(), CheckpointFields.text(env, variable.getKey(), at + ".env."));
    }
    Optional<String> cwd =
        node.has("cwd")
            ? Optional.of(CheckpointFields.text(node, "cwd", at + "."))
            : Optional.empty();
    Optional<String> hostname =
        node.has("hostname")
            ? Optional.of(CheckpointFields.text(node, "hostname", at + "."))
            : Optional.empty();
    try {
      return new OciContainer(rootfs, writable, variables, cwd, hostname);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(at + ": " + e.getMessage(), e);
    }
  }
}
