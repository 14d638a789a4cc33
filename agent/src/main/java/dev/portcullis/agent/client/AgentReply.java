package dev.portcullis.agent.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The agent's answer to one request. A 2xx status carries the answer; any other carries {@code
 * {"error":"message","field":"tasks[1].command"}}, with {@code field} only when one input is to
 * blame.
 *
 * @param status the HTTP status code
 * @param body the body as sent; empty when there was none
 */
record AgentReply(int status, String body) {

  /** Exit status when the agent answered with an error. */
  static final int AGENT_ERROR = 1;

  boolean ok() {
    return status >= 200 && status < 300;
  }

  /** The agent's error for people: its message and field, else the status and the raw body. */
  String error() {
    return AgentClient.parse(body)
        .filter(AgentReply::isError)
        .map(AgentReply::describe)
        .orElse(
            "the agent answered HTTP "
                + status
                + (body.isBlank() ? " with no message" : ": " + body.strip()));
  }

  /**
   * Prints the answer, one line of JSON, to standard output and returns 0; or the error to standard
   * error, returning {@link #AGENT_ERROR}.
   */
  int print(CommandSpec spec) {
    if (!ok()) {
      return reportError(spec);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(body.strip());
    out.flush();
    return 0;
  }

  /** Prints the error as {@code portcullis <command>: <error>}; returns {@link #AGENT_ERROR}. */
  int reportError(CommandSpec spec) {
    return reportError(spec, error());
  }

  /** Whether {@code node} is an error document: an object with {@code error}. */
  static boolean isError(JsonNode node) {
    return node.isObject() && node.has("error");
  }

  /** An error document as {@code message} or {@code message (field f)}. */
  static String describe(JsonNode error) {
    JsonNode message = error.get("error");
    JsonNode field = error.get("field");
    return (message.isTextual() ? message.asText() : message.toString())
        + (field == null || field.isNull() ? "" : " (field " + field.asText() + ")");
  }

  /**
   * Prints {@code error} as {@code portcullis <command>: <error>}; returns {@link #AGENT_ERROR}.
   */
  static int reportError(CommandSpec spec, String error) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(spec.qualifiedName() + ": " + error);
    err.flush();
    return AGENT_ERROR;
  }
}
