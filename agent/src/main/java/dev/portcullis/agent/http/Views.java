package dev.portcullis.agent.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.executor.ExecutorRecord;
import dev.portcullis.agent.executor.Health;
import dev.portcullis.agent.executor.TaskRecord;
import dev.portcullis.agent.oci.OciContainerJson;
import dev.portcullis.agent.status.StatusJson;
import dev.portcullis.api.PortRanges;
import java.util.Collection;
import java.util.Optional;

/** The API's JSON views of the core's records: the one place the API renders them. */
final class Views {

  private Views() {}

  /** Every executor, in launch order. */
  static ObjectNode executors(Collection<ExecutorRecord> executors) {
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    ArrayNode array = list.putArray("executors");
    executors.forEach(executor -> array.add(executor(executor)));
    return list;
  }

  /**
   * One executor: {@code state} is {@code RUNNING} until every task has ended and its containers
   * are gone, then {@code TERMINATED}; {@code listening_ports} are the in-scope ports the last scan
   * saw its containers listen on, or null when no scan has judged it; {@code guard} is what its
   * port guard refused so far as the last scan read it, or null when it has no guard. Its {@code
   * adoption} is the existing cgroup it follows, or null for an executor the agent launched. A
   * task's {@code user} is the user its command runs as, or null for the agent's user; its {@code
   * container} is the OCI container it runs in, as the launch request gave it, or null for a task
   * on the host.
   */
  static ObjectNode executor(ExecutorRecord executor) {
    ObjectNode view = JsonNodeFactory.instance.objectNode();
    view.put("executor_id", executor.executorId());
    view.put("container_id", executor.container().toString());
    view.put("state", executor.terminated() ? "TERMINATED" : "RUNNING");
    view.put("resources", executor.resources());
    view.put("allocated_ports", executor.ports().toString());
    ArrayNode networks = view.putArray("networks");
    executor.networks().forEach(networks::add);
    executor
        .adoption()
        .ifPresentOrElse(
            adoption -> {
              ObjectNode adopted = view.putObject("adoption");
              adopted.put("cgroup", adoption.cgroup());
              adoption.podman().ifPresent(name -> adopted.put("podman", name));
            },
            () -> view.putNull("adoption"));
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
    executor.tasks().forEach(task -> tasks.add(task(task)));
    return view;
  }

  private static ObjectNode task(TaskRecord task) {
    ObjectNode view = JsonNodeFactory.instance.objectNode();
    view.put("task_id", task.taskId());
    view.put("container_id", task.container().toString());
    view.put("state", task.state().name());
    ArrayNode command = view.putArray("command");
    task.command().forEach(command::add);
    task.user().ifPresentOrElse(user -> view.put("user", user.name()), () -> view.putNull("user"));
    task.oci()
        .ifPresentOrElse(
            oci -> view.set("container", OciContainerJson.write(oci)),
            () -> view.putNull("container"));
    task.livePid().ifPresentOrElse(pid -> view.put("pid", pid), () -> view.putNull("pid"));
    ports(view, task.listening());
    view.put("sandbox", task.sandbox().toString());
    task.status()
        .ifPresentOrElse(
            status -> view.set("status", StatusJson.write(status)), () -> view.putNull("status"));
    return view;
  }

  private static void ports(ObjectNode view, Optional<PortRanges> listening) {
    listening.ifPresentOrElse(
        ports -> view.put("listening_ports", ports.toString()),
        () -> view.putNull("listening_ports"));
  }

  /** {@code /health}. */
  static ObjectNode health(Health health) {
    ObjectNode view = JsonNodeFactory.instance.objectNode();
    view.put("status", "ok");
    view.put("executors_running", health.executorsRunning());
    view.put("ports_isolated", health.portsIsolated());
    view.put("scans", health.scans());
    health
        .lastScan()
        .ifPresentOrElse(
            at -> view.put("last_scan", at.toString()), () -> view.putNull("last_scan"));
    return view;
  }
}
