package dev.portcullis.agent.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.TaskState;
import dev.portcullis.agent.TaskUser;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One task the agent runs or ran, in a container nested in its executor's. Confined to the agent's
 * thread, like everything the agent holds.
 */
final class TaskEntry {

  private final String taskId;
  private final ContainerId container;
  private final List<String> command;
  private final Optional<TaskUser> user;
  private final Path sandbox;
  private final Path exitStatusFile;

  private TaskState state;
  private Optional<ObjectNode> status = Optional.empty();
  private OptionalLong pid = OptionalLong.empty();
  private Optional<TaskProcess> process = Optional.empty();
  private Optional<PortRanges> listening = Optional.empty();

  TaskEntry(
      String taskId,
      ContainerId container,
      List<String> command,
      Optional<TaskUser> user,
      Path sandbox,
      Path exitStatusFile,
      TaskState state) {
    this.taskId = taskId;
    this.container = container;
    this.command = List.copyOf(command);
    this.user = user;
    this.sandbox = sandbox;
    this.exitStatusFile = exitStatusFile;
    this.state = state;
  }

  String taskId() {
    return taskId;
  }

  ContainerId container() {
    return container;
  }

  List<String> command() {
    return command;
  }

  /** The user the command runs as; empty for the agent's user. */
  Optional<TaskUser> user() {
    return user;
  }

  /** The task's working directory, holding its {@code stdout} and {@code stderr}. */
  Path sandbox() {
    return sandbox;
  }

  /** Where the task's shell records the command's exit status. */
  Path exitStatusFile() {
    return exitStatusFile;
  }

  TaskState state() {
    return state;
  }

  /** The last status update reported, as sent. */
  Optional<ObjectNode> status() {
    return status;
  }

  void reported(TaskState newState, ObjectNode update) {
    this.state = newState;
    this.status = Optional.of(update);
  }

  /** Restores the state and last update from a checkpoint, without reporting anything. */
  void restore(TaskState restoredState, Optional<ObjectNode> update) {
    this.state = restoredState;
    this.status = update;
  }

  OptionalLong pid() {
    return pid;
  }

  void pid(long value) {
    this.pid = OptionalLong.of(value);
  }

  /** The process, if this agent started it; a recovered task has none. */
  Optional<TaskProcess> process() {
    return process;
  }

  void process(TaskProcess started) {
    this.process = Optional.of(started);
    this.pid = OptionalLong.of(started.pid());
  }

  /** The in-scope ports the last scan saw the task's container listen on, if it was judged. */
  Optional<PortRanges> listening() {
    return listening;
  }

  void listening(Optional<PortRanges> ports) {
    this.listening = ports;
  }
}
