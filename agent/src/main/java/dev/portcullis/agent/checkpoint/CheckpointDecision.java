package dev.portcullis.agent.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.executor.Decision;
import dev.portcullis.agent.executor.KillReason;
import dev.portcullis.agent.executor.Termination;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;

/**
 * An executor's kill decision in the checkpoint, with all its ending needs to be reported the same
 * after a restart:
 *
 * <pre>{@code
 * {"kill_reason":"CONTAINER_LIMITATION","ending":"limited","message":"Container ... is listening
 *  on unallocated port(s): [31001]","ports":"[31001]"}
 * {"kill_reason":"KILL_REQUEST","ending":"killed","message":"Killed by a kill request to the agent"}
 * {"kill_reason":"LAUNCH_FAILED","ending":"launch_failed","problem":"cannot move its process ..."}
 * }</pre>
 */
final class CheckpointDecision {

  private static final String LIMITED = "limited";
  private static final String KILLED = "killed";
  private static final String LAUNCH_FAILED = "launch_failed";

  private CheckpointDecision() {}

  static ObjectNode write(Decision decision) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("kill_reason", decision.reason().name());
    Termination ending = decision.ending();
    if (ending instanceof Termination.Limited limited) {
      json.put("ending", LIMITED);
      json.put("message", limited.limitation().message());
      json.put("ports", limited.limitation().ports().toString());
    } else if (ending instanceof Termination.Killed killed) {
      json.put("ending", KILLED);
      json.put("message", killed.message());
    } else if (ending instanceof Termination.LaunchFailed failed) {
      json.put("ending", LAUNCH_FAILED);
      json.put("problem", failed.problem());
    } else {
      // Decision refuses any other ending.
      throw new IllegalStateException("no kill ends tasks as " + ending);
    }
    return json;
  }

  /**
   * Reads a decision back, for the container it kills: an executor's root, or a task's own
   * container.
   *
   * @throws CheckpointException naming the first field that is missing or wrong
   */
  static Decision read(JsonNode json, ContainerId root, String at) throws CheckpointException {
    CheckpointFields.object(json, at.substring(0, at.length() - 1));
    String reasonName = CheckpointFields.text(json, "kill_reason", at);
    KillReason reason;
    try {
      reason = KillReason.valueOf(reasonName);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(at + "kill_reason: '" + reasonName + "' is not one", e);
    }
    String ending = CheckpointFields.text(json, "ending", at);
    Termination termination =
        switch (ending) {
          case LIMITED -> limited(json, root, at);
          case KILLED -> new Termination.Killed(CheckpointFields.text(json, "message", at));
          case LAUNCH_FAILED ->
              new Termination.LaunchFailed(CheckpointFields.text(json, "problem", at));
          default ->
              throw new CheckpointException(
                  at
                      + "ending: '"
                      + ending
                      + "' is none of "
                      + LIMITED
                      + ", "
                      + KILLED
                      + ", "
                      + LAUNCH_FAILED);
        };
    return new Decision(termination, reason);
  }

  private static Termination limited(JsonNode json, ContainerId root, String at)
      throws CheckpointException {
    String message = CheckpointFields.text(json, "message", at);
    String text = CheckpointFields.text(json, "ports", at);
    PortRanges ports;
    try {
      ports = PortRanges.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(at + "ports: " + e.getMessage(), e);
    }
    if (ports.isEmpty()) {
      throw new CheckpointException(at + "ports: a limitation names at least one port");
    }
    return new Termination.Limited(
        ContainerLimitation.builder().container(root).ports(ports).message(message).build());
  }
}
