package dev.portcullis.agent.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.agent.cli.TextTable;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis ps}: the agent's executors and their tasks, by {@code GET /v1/executors}.
 *
 * <p>The answer is {@code {"executors":[...]}} (a bare array is read too), each executor with
 * {@code executor_id}, {@code allocated_ports} and {@code tasks}, each task with {@code task_id},
 * {@code state}, and while it runs {@code pid} and {@code listening_ports}. An id is a string or a
 * Mesos-style {@code {"value":...}}; ports are shown as the agent writes them.
 */
@Command(
    name = "ps",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Lists the agent's executors and their tasks: one row per task, '-' where the agent"
          + " reports nothing.",
      ""
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the executors were listed",
      "1:the agent answered with an error; it is on standard error",
      "2:a bad flag, or the agent cannot be reached"
    })
public final class PsCommand implements Callable<Integer> {

  private static final String[] HEADER = {
    "EXECUTOR", "TASK", "STATE", "PID", "ALLOCATED", "LISTENING"
  };
  private static final String NONE = "-";

  @Spec CommandSpec spec;

  @Mixin AgentEndpoint agent;

  @Option(
      names = "--json",
      description = "Print the agent's answer, JSON, as it is, instead of the table.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    AgentReply reply = agent.client().get("/v1/executors");
    if (!reply.ok() || json) {
      return reply.print(spec);
    }
    JsonNode answer = AgentClient.parse(reply.body()).orElse(null);
    JsonNode executors = answer != null && answer.isObject() ? answer.get("executors") : answer;
    if (executors == null || !executors.isArray()) {
      return AgentReply.reportError(
          spec, "the agent's answer holds no list of executors: " + reply.body().strip());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(table(executors));
    out.flush();
    return 0;
  }

  /** One row per task; an executor without tasks still has one. */
  static String table(JsonNode executors) {
    TextTable table = new TextTable(HEADER);
    for (JsonNode executor : executors) {
      String id = text(executor.get("executor_id"));
      String allocated = text(executor.get("allocated_ports"));
      JsonNode tasks = executor.path("tasks");
      if (tasks.isEmpty()) {
        table.add(id, NONE, NONE, NONE, allocated, NONE);
      }
      for (JsonNode task : tasks) {
        table.add(
            id,
            text(task.get("task_id")),
            text(task.get("state")),
            text(task.get("pid")),
            allocated,
            text(task.get("listening_ports")));
      }
    }
    return table.toString();
  }

  /** A cell: {@code -} for nothing, the value of a {@code {"value":...}} id, else as written. */
  private static String text(JsonNode node) {
    if (node != null && node.isObject() && node.has("value")) {
      node = node.get("value");
    }
    if (node == null || node.isNull()) {
      return NONE;
    }
    String text = node.isValueNode() ? node.asText() : node.toString();
    return text.isBlank() ? NONE : text;
  }
}
