package dev.portcullis.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.PortRanges;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON form as another library has read it: the same resources, and the same errors, as when
 * its text is parsed.
 */
class AgentResourcesOfJsonTest {

  /** The text read as a JSON library with doubles for fractions (as Jackson's tree is) reads it. */
  private static Object asLibraryReadsIt(Object value) {
    if (value == JsonReader.NULL) {
      return null;
    }
    if (value instanceof BigDecimal) {
      BigDecimal number = (BigDecimal) value;
      if (number.scale() <= 0 && number.precision() - number.scale() < 19) {
        return number.longValueExact();
      }
      return number.doubleValue();
    }
    if (value instanceof Map) {
      Map<String, Object> members = new LinkedHashMap<>();
      ((Map<?, ?>) value).forEach((k, v) -> members.put((String) k, asLibraryReadsIt(v)));
      return members;
    }
    if (value instanceof List) {
      List<Object> elements = new ArrayList<>();
      ((List<?>) value).forEach(element -> elements.add(asLibraryReadsIt(element)));
      return elements;
    }
    return value;
  }

  private static String outcome(Runnable read) {
    try {
      read.run();
      return "read";
    } catch (ResourcesFormatException e) {
      return e.getMessage();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1.5}},"
            + "{\"name\":\"ports\",\"type\":\"RANGES\",\"role\":\"web\","
            + "\"ranges\":{\"range\":[{\"begin\":31000,\"end\":31005}]}}]",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":"
            + "[{\"begin\":3.1e4,\"end\":31005.0}]}}]",
        "[{\"name\":\"zones\",\"type\":\"SET\",\"set\":{\"item\":[\"b\",\"a\"]}}]",
        "[{}]",
        "[{\"name\":null}]",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":null}]",
        "[{\"name\":\"zones\",\"type\":\"SET\",\"set\":{\"item\":null}}]",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":-1}}]",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":"
            + "[{\"begin\":9,\"end\":1}]}}]",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":"
            + "[{\"begin\":1.5,\"end\":2}]}}]",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":"
            + "[{\"begin\":1,\"end\":70000}]}}]",
        "[{\"name\":\"ports\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}}]",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1},\"ranges\":{}}]",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}},"
            + "{\"name\":\"cpus\",\"type\":\"SET\",\"set\":{\"item\":[]}}]",
      })
  void readsAsTheTextIsParsed(String text) {
    List<?> values = (List<?>) asLibraryReadsIt(JsonReader.read(text));
    assertEquals(
        outcome(() -> AgentResources.parse(text)),
        outcome(() -> AgentResources.ofJson(values, text)));
    if (outcome(() -> AgentResources.parse(text)).equals("read")) {
      assertEquals(AgentResources.parse(text), AgentResources.ofJson(values, text));
    }
  }

  /** Text must start "[{" or "[]" to be read as JSON; values read as an array always are. */
  @Test
  void anArrayIsTheJsonFormWhateverItHolds() {
    ResourcesFormatException e =
        assertThrows(
            ResourcesFormatException.class, () -> AgentResources.ofJson(List.of(1), "[1]"));
    assertEquals(
        "Invalid resources '[1]': resource #1 must be a JSON object, not a number", e.getMessage());
  }

  @Test
  void numbersOfEveryKindAreReadExactly() {
    Map<String, Object> range = new LinkedHashMap<>();
    range.put("begin", new java.math.BigInteger("31000"));
    range.put("end", 31002);
    List<?> resources =
        List.of(
            Map.of("name", "ports", "type", "RANGES", "ranges", Map.of("range", List.of(range))),
            Map.of("name", "cpus", "type", "SCALAR", "scalar", Map.of("value", 0.1f)));
    AgentResources read = AgentResources.ofJson(resources, "(as given)");
    assertEquals(Optional.of(PortRanges.range(31000, 31002)), read.ports());
    assertEquals("cpus:0.1;ports:[31000-31002]", read.toString());
  }

  @Test
  void aNumberTooLargeForTheLibrarysDoublesIsAnError() {
    String text = "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1e400}}]";
    List<?> resources =
        List.of(
            Map.of(
                "name",
                "cpus",
                "type",
                "SCALAR",
                "scalar",
                Map.of("value", Double.POSITIVE_INFINITY)));
    ResourcesFormatException e =
        assertThrows(ResourcesFormatException.class, () -> AgentResources.ofJson(resources, text));
    assertEquals(
        "Invalid resources '" + text + "': the number Infinity is out of range", e.getMessage());
  }

  @Test
  void somethingThatIsNoJsonValueIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AgentResources.ofJson(List.of(Map.of("name", new Object())), "?"));
    assertTrue(e.getMessage().startsWith("Not a JSON value"), e.getMessage());
  }
}
