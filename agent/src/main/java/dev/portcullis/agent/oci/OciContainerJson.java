package dev.portcullis.agent.oci;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A task's container as JSON, the one form the API's views and the checkpoint both write: {@code
 * {"type":"oci","rootfs":DIR,"writable":BOOL,"env":{...}}}, with {@code cwd} and {@code hostname}
 * when the task gave them.
 */
public final class OciContainerJson {

  private OciContainerJson() {}

  /** {@return the container as a JSON object} */
  public static ObjectNode write(OciContainer container) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("type", OciContainer.TYPE);
    json.put("rootfs", container.rootfs().toString());
    json.put("writable", container.writable());
    ObjectNode env = json.putObject("env");
    container.sortedEnv().forEach(env::put);
    container.cwd().ifPresent(cwd -> json.put("cwd", cwd));
    container.hostname().ifPresent(hostname -> json.put("hostname", hostname));
    return json;
  }
}
