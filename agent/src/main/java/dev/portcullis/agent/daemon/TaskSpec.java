package dev.portcullis.agent.daemon;

import java.util.List;

/**
 * One task of a launch request, validated.
 *
 * @param taskId the task's id, unique on the agent
 * @param command the program and its arguments; never empty
 */
record TaskSpec(String taskId, List<String> command) {

  TaskSpec {
    command = List.copyOf(command);
  }
}
