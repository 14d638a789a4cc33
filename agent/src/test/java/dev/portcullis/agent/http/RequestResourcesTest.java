package dev.portcullis.agent.http;

import static dev.portcullis.agent.http.RequestsTest.json;
import static dev.portcullis.agent.http.RequestsTest.launch;
import static dev.portcullis.agent.http.RequestsTest.launchBody;
import static dev.portcullis.agent.http.RequestsTest.launchRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.api.PortRanges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A request's resources in the JSON form are read from the request's own tree, never from its text
 * again: an array is that form whatever it holds, and its numbers keep the values Jackson read.
 */
class RequestResourcesTest {

  @Test
  void numbersWrittenAsFractionsAreReadAsTheirValues() {
    ObjectNode body = launchBody();
    body.set(
        "resources",
        json(
            "[{'name':'cpus','type':'SCALAR','scalar':{'value':0.25}},"
                + "{'name':'ports','type':'RANGES',"
                + "'ranges':{'range':[{'begin':3.1e4,'end':31001.0}]}}]"));
    assertEquals(PortRanges.range(31000, 31001), launch(body).ports());
  }

  /** An array is the JSON form whatever it holds; Jackson reads a number beyond a double as one. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "['cpus:1;ports:[1-2]'] | resource #1 must be a JSON object, not a string",
        "[{'name':'cpus','type':'SCALAR','scalar':{'value':1e400}}] | the number Infinity is out of"
            + " range",
      })
  void aResourcesArrayIsRefusedAsTheJsonFormQuotingTheRequest(String resources, String problem) {
    ObjectNode body = launchBody();
    JsonNode given = json(resources);
    body.set("resources", given);
    BadRequest refusal = launchRefused(body, "resources");
    assertEquals("Invalid resources '" + given + "': " + problem, refusal.getMessage());
  }
}
