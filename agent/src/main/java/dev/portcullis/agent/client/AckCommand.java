package dev.portcullis.agent.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis ack SEQ}: acknowledges every status update up to a sequence number, by {@code
 * POST /v1/acknowledgements}, so that the agent need no longer keep them for replay.
 */
@Command(
    name = "ack",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Acknowledges every status update up to SEQ, the sequence number of the last update this"
          + " reader has safely handled: the agent need no longer keep them for"
          + " 'portcullis events --after'. Prints {\"acknowledged\":N}, the sequence number"
          + " acknowledged up to now, which never goes down.",
      ""
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the agent recorded the acknowledgement",
      "1:the agent refused it (SEQ is beyond its last update) or could not record it",
      "2:a bad argument, or the agent cannot be reached"
    })
public final class AckCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin AgentEndpoint agent;

  @Parameters(
      index = "0",
      paramLabel = "SEQ",
      description = "The sequence number to acknowledge up to.")
  long sequence;

  @Override
  public Integer call() throws InterruptedException {
    if (sequence < 0) {
      throw new ParameterException(
          spec.commandLine(), "SEQ: " + sequence + " is not a sequence number: give 0 or more");
    }
    return agent.client().post("/v1/acknowledgements", body(sequence)).print(spec);
  }

  /** The request: {@code {"sequence": SEQ}}. */
  static ObjectNode body(long sequence) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("sequence", sequence);
    return body;
  }
}
