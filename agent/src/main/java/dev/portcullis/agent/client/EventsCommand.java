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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis events}: follows the agent's event stream, {@code GET /v1/events}, one JSON
 * object per line, until the agent ends it. Each line is printed and flushed as it arrives, since a
 * reader may be waiting for it. Blank lines, which only keep the connection alive, are skipped.
 *
 * <p>With {@code --after=SEQ} it asks for the updates after {@code SEQ} first; with {@code --ack}
 * it acknowledges each update once printed. A stream that ends with an error document, {@code
 * {"error":...}}, ends it with status 1.
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

  @Option(
      names = "--after",
      paramLabel = "SEQ",
      description =
          "First print every update the agent still keeps whose sequence number is greater than"
              + " SEQ, such as the last one this reader printed, then the live ones, with none"
              + " missed or repeated. 0 for every update kept. Default: only the live ones.")
  Long after;

  @Option(
      names = "--ack",
      description =
          "Acknowledge each update once it is printed and flushed, so that the agent need no"
              + " longer keep it for a later --after. With --executor_id, the updates of other"
              + " executors, which are not printed, are acknowledged too: the agent keeps one"
              + " acknowledgement for all its readers.")
  boolean acknowledge;

  private AgentClient client;

  @Override
  public Integer call() throws InterruptedException {
    if (after != null && after < 0) {
      throw new ParameterException(
          spec.commandLine(), "--after: " + after + " is not a sequence number: give 0 or more");
    }
    client = agent.client();
    HttpResponse<Stream<String>> response =
        client.lines(after == null ? "/v1/events" : "/v1/events?after=" + after);
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

  private int follow(Iterator<String> lines) throws InterruptedException {
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
      } else {
        if (executorId == null || event.map(this::isOfExecutor).orElse(false)) {
          out.println(line);
          out.flush();
        }
        if (acknowledge && event.isPresent() && event.get().path("sequence").canConvertToLong()) {
          int status = acknowledgeUpTo(event.get().get("sequence").longValue());
          if (status != 0) {
            return status;
          }
        }
      }
    }
    return endedInError ? AgentReply.AGENT_ERROR : 0;
  }

  /** Acknowledges an update printed, or one this reader skips: either way it is done with it. */
  private int acknowledgeUpTo(long sequence) throws InterruptedException {
    AgentReply reply = client.post("/v1/acknowledgements", AckCommand.body(sequence));
    return reply.ok() ? 0 : reply.reportError(spec);
  }

  private boolean isOfExecutor(JsonNode event) {
    return executorId.equals(event.path("executor_id").path("value").asText(null));
  }
}
