package dev.portcullis.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The query of {@code GET /v1/events} and the body of an acknowledgement, read at the edge. */
class EventRequestsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void noQueryMeansFromNowOn() {
    assertEquals(OptionalLong.empty(), Requests.after(null));
    assertEquals(OptionalLong.empty(), Requests.after(""));
  }

  @ParameterizedTest
  @CsvSource({
    "after=0,0",
    "after=17,17",
    "after=000042,42",
    "after=999999999999999999,999999999999999999"
  })
  void afterIsANonNegativeDecimalNumber(String query, long expected) {
    assertEquals(OptionalLong.of(expected), Requests.after(query));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "after=",
        "after",
        "after=-1",
        "after=1e3",
        "after=0x10",
        "after=+3",
        "after=%31",
        "after=1234567890123456789",
        "after=٣"
      })
  void anythingElseInAfterIsRefusedNamingIt(String query) {
    BadRequest refused = assertThrows(BadRequest.class, () -> Requests.after(query));
    assertEquals(400, refused.status());
    assertEquals(Optional.of("after"), refused.fieldName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"since=3", "after=3&since=4", "after=3&after=4", "from=1"})
  void otherParametersAreRefused(String query) {
    BadRequest refused = assertThrows(BadRequest.class, () -> Requests.after(query));
    assertTrue(refused.getMessage().contains("the only one is after=SEQ"), refused::getMessage);
  }

  @Test
  void anAcknowledgementNamesItsSequenceNumber() throws Exception {
    assertEquals(12, Requests.acknowledgement(JSON.readTree("{\"sequence\":12}")));
    assertEquals(0, Requests.acknowledgement(JSON.readTree("{\"sequence\":0}")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|sequence",
        "{\"sequence\":\"12\"}|sequence",
        "{\"sequence\":1.5}|sequence",
        "{\"sequence\":-1}|sequence",
        "{\"sequence\":99999999999999999999}|sequence",
        "{\"sequence\":1,\"up_to\":2}|up_to"
      })
  void aBadAcknowledgementIsRefusedNamingTheField(String body, String field) throws Exception {
    BadRequest refused =
        assertThrows(BadRequest.class, () -> Requests.acknowledgement(JSON.readTree(body)));
    assertEquals(Optional.of(field), refused.fieldName());
  }

  @Test
  void anAcknowledgementThatIsNoObjectIsRefusedAsAWhole() throws Exception {
    BadRequest refused =
        assertThrows(BadRequest.class, () -> Requests.acknowledgement(JSON.readTree("[12]")));
    assertEquals(Optional.empty(), refused.fieldName());
  }
}
