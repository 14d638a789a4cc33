package dev.portcullis.agent.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.api.PortRanges;
import java.util.Collection;
import java.util.Optional;

/** The API's JSON views of executors and tasks. */
final class Views {

  private Views() {}

  /** Every executor, in launch order. */
  static ObjectNode executors(Collection<ExecutorEntry> executors) {
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    ArrayNode array = list.putArray("executors");
    executors.forEach(executor -> array.add(executor(executor)));
    return list;
  }

  /**
   * One executor: {@code state} is {@code RUNNING} until every task has ended and its containers
   * are gone, then {@code TERMINATED}; {@code listening_ports} are the in-scope ports the last scan
   * saw its containers listen on, or null when no scan has judged it; {@code guard} is what its
   * port guard refused so far as the last scan read it, or null when it has no guard. A task's
   * {@code user} is the user its command runs as, or null for the agent's user.
   */
  static ObjectNode executor(ExecutorEntry executor) {
    ObjectNode view = JsonNodeFactory.instance.objectNode();
    view.put("executor_id", executor.executorId());
    view.put("container_id", executor.container().toString());
    view.put("state", executor.terminated() ? "TERMINATED" : "RUNNING");
    view.put("resources", executor.resources());
    view.put("allocated_ports", executor.ports().toString());
    ArrayNode networks = view.putArray("networks");
    executor.networks().forEach(networks::add);
    ports(view, executor.listening());
    executor
        .guardRefusals()
        .ifPresentOrElse(
            refusals -> {
              ObjectNode guard = view.putObject("guard");
              guard.put("refused_binds", refusals.binds());
              guard.put("stopped_listeners", refusals.listeners());
              guard.put("refused_ports", refusals.ports().toString());
            },
            () -> view.putNull("guard"));
    ArrayNode tasks = view.putArray("tasks");
    for (TaskEntry task : executor.tasks()) {
      ObjectNode t = tasks.addObject();
      t.put("task_id", task.taskId());
      t.put("container_id", task.container().toString());
      t.put("state", task.state().name());
      ArrayNode command = t.putArray("command");
      task.command().forEach(command::add);
      task.user().ifPresentOrElse(user -> t.put("user", user.name()), () -> t.putNull("user"));
      if (task.pid().isPresent() && !task.state().isTerminal()) {
        t.put("pid", task.pid().getAsLong());
      } else {
        t.putNull("pid");
      }
      ports(t, task.listening());
      t.put("sandbox", task.sandbox().toString());
      task.status().ifPresentOrElse(status -> t.set("status", status), () -> t.putNull("status"));
    }
    return view;
  }

  private static void ports(ObjectNode view, Optional<PortRanges> listening) {
    if (listening.isPresent()) {
      view.put("listening_ports", listening.get().toString());
    } else {
      view.putNull("listening_ports");
    }
  }
}
