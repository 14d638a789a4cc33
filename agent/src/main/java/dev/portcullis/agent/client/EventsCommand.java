package dev.portcullis.agent.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis events}: follows the agent's event stream, {@code GET /v1/events}, one JSON
 * object per line, until the agent ends it. Each line is printed and flushed as it arrives, since a
 * reader may be waiting for it. Blank lines, which only keep the connection alive, are skipped.
 *
 * <p>A stream that ends with an error document, {@code {"error":...}}, ends it with status 1.
 */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prints the agent's events, such as its tasks' status updates, one JSON object per line"
          + " as they happen, until the agent ends the stream or the command is interrupted.",
      ""
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the agent ended the stream",
      "1:the agent answered, or ended the stream, with an error; it is on standard error",
      "2:a bad flag, or the agent cannot be reached or was lost"
    })
public final class EventsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin AgentEndpoint agent;

  @Option(
      names = "--executor_id",
      paramLabel = "ID",
      description = "Print only this executor's events. Default: every executor's.")
  String executorId;

  @Override
  public Integer call() throws InterruptedException {
    AgentClient client = agent.client();
    HttpResponse<Stream<String>> response = client.lines("/v1/events");
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() / 100 != 2) {
        return new AgentReply(response.statusCode(), lines.collect(Collectors.joining("\n")))
            .reportError(spec);
      }
      return follow(lines.iterator());
    } catch (UncheckedIOException e) {
      throw client.lost(e.getCause());
    }
  }

  private int follow(Iterator<String> lines) {
    PrintWriter out = spec.commandLine().getOut();
    boolean endedInError = false;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.isBlank()) {
        continue;
      }
      Optional<JsonNode> event = AgentClient.parse(line);
      endedInError = event.filter(AgentReply::isError).isPresent();
      if (endedInError) {
        AgentReply.reportError(spec, AgentReply.describe(event.get()));
      } else if (executorId == null || event.map(this::isOfExecutor).orElse(false)) {
        out.println(line);
        out.flush();
      }
    }
    return endedInError ? AgentReply.AGENT_ERROR : 0;
  }

  private boolean isOfExecutor(JsonNode event) {
    return executorId.equals(event.path("executor_id").path("value").asText(null));
  }
}
