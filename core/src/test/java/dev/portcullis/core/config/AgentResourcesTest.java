package dev.portcullis.core.config;

import static dev.portcullis.core.config.MessageAssertions.assertStartsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.PortRangesFormatException;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentResourcesTest {

  private static final String TEXT = "cpus:1;mem:32;ports:[31000-31005,31010-31010]";

  private static final String JSON =
      "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}},"
          + "{\"name\":\"mem\",\"type\":\"SCALAR\",\"scalar\":{\"value\":32.0}},"
          + "{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":["
          + "{\"begin\":31000,\"end\":31005},{\"begin\":31010,\"end\":31010}]}}]";

  @Nested
  class TextForm {

    @Test
    void readsThePortsResource() {
      assertEquals(
          Optional.of(PortRanges.parse("[31000-31005, 31010-31010]")),
          AgentResources.parse(TEXT).ports());
    }

    @Test
    void noPortsResourceMeansNoPorts() {
      assertEquals(Optional.empty(), AgentResources.parse("cpus:1;mem:32").ports());
    }

    @Test
    void anExplicitlyEmptyPortsResourceIsPresentAndEmpty() {
      assertEquals(
          Optional.of(PortRanges.empty()), AgentResources.parse("cpus:1;ports:[]").ports());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", ";", " ; ;; "})
    void blankTextMeansNoResources(String text) {
      AgentResources resources = AgentResources.parse(text);
      assertSame(AgentResources.none(), resources);
      assertTrue(resources.isEmpty());
      assertEquals(Optional.empty(), resources.ports());
    }

    @Test
    void allowsLeadingAndTrailingSemicolonsAndSpaces() {
      assertEquals(
          AgentResources.parse(TEXT),
          AgentResources.parse(" ;cpus : 1 ; mem:32 ; ports : [31000-31005, 31010-31010];  "));
    }

    @Test
    void unitesPortsOfEveryRole() {
      AgentResources resources =
          AgentResources.parse("ports(*):[1-2];ports(web):[5-6];ports(a/b):[3-4];ports:[9-9]");
      assertEquals(Optional.of(PortRanges.parse("[1-6, 9-9]")), resources.ports());
    }

    @Test
    void mergesRepeatedResourcesAsMesosAddsThem() {
      AgentResources resources =
          AgentResources.parse(
              "cpus:1;cpus(web):0.5;ports:[1-2];ports:[3-4];zones:{b,a};zones:{c,a}");
      assertEquals(Optional.of(PortRanges.range(1, 4)), resources.ports());
      assertEquals("cpus:1.5;ports:[1-4];zones:{a,b,c}", resources.toString());
    }

    @Test
    void acceptsHexAndSixtyFourBitBoundsInOtherRangeResources() {
      AgentResources resources =
          AgentResources.parse("ephemeral:[0x10-0x1f, 0-18446744073709551615];ports:[0x50-0x50]");
      assertEquals("ephemeral:[0-18446744073709551615];ports:[80-80]", resources.toString());
    }

    @Test
    void acceptsPortsUpToTheLastOne() {
      assertEquals(
          Optional.of(PortRanges.range(1024, 65535)),
          AgentResources.parse("ports:[1024-65535]").ports());
    }
  }

  @Nested
  class JsonForm {

    @Test
    void yieldsTheSameResourcesAsTheTextForm() {
      AgentResources fromJson = AgentResources.parse(JSON);
      AgentResources fromText = AgentResources.parse(TEXT);
      assertEquals(fromText.ports(), fromJson.ports());
      assertEquals(fromText, fromJson);
      assertEquals(fromText.hashCode(), fromJson.hashCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", " [ ] ", "\n[\n]\n"})
    void anEmptyArrayMeansNoResources(String text) {
      assertSame(AgentResources.none(), AgentResources.parse(text));
    }

    @Test
    void ignoresRolesAndReservations() {
      String json =
          "[{\"name\":\"ports\",\"type\":\"RANGES\",\"role\":\"web\","
              + "\"reservations\":[{\"type\":\"STATIC\",\"role\":\"web\"}],"
              + "\"ranges\":{\"range\":[{\"begin\":8000,\"end\":8010}]}},"
              + " {\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":"
              + "[{\"begin\":8011,\"end\":8020}]}}]";
      assertEquals(Optional.of(PortRanges.range(8000, 8020)), AgentResources.parse(json).ports());
    }

    @Test
    void readsSetsAndEmptyRanges() {
      String json =
          "[{\"name\":\"zones\",\"type\":\"SET\",\"set\":{\"item\":[\"b\",\"a\"]}},"
              + "{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{}}]";
      AgentResources resources = AgentResources.parse(json);
      assertEquals(Optional.of(PortRanges.empty()), resources.ports());
      assertEquals(AgentResources.parse("zones:{a,b};ports:[]"), resources);
    }

    @Test
    void acceptsWholeNumbersWrittenWithFractionsOrExponents() {
      String json =
          "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":"
              + "[{\"begin\":3.1e4,\"end\":31005.0}]}}]";
      assertEquals(Optional.of(PortRanges.range(31000, 31005)), AgentResources.parse(json).ports());
    }
  }

  @Test
  void noneHasNoResources() {
    assertTrue(AgentResources.none().isEmpty());
    assertEquals(Optional.empty(), AgentResources.none().ports());
    assertEquals("", AgentResources.none().toString());
  }

  @Test
  void toStringIsTheMergedTextFormAndParsesBack() {
    AgentResources resources = AgentResources.parse(JSON);
    assertEquals("cpus:1;mem:32;ports:[31000-31005, 31010-31010]", resources.toString());
    assertEquals(resources, AgentResources.parse(resources.toString()));
    assertFalse(resources.isEmpty());
  }

  @Test
  void differentPortsAreNotEqual() {
    assertNotEquals(AgentResources.parse("ports:[1-2]"), AgentResources.parse("ports:[1-3]"));
    assertNotEquals(AgentResources.parse("ports:[]"), AgentResources.none());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "cpus:1;;mem:2 | empty entry between 'cpus:1' and 'mem:2'; remove the extra ';'",
        "cpus:1; ;mem:2 | empty entry between 'cpus:1' and 'mem:2'",
        "cpus | entry 'cpus': missing ':' between the resource name and its value",
        "cpus:1:2 | entry 'cpus:1:2': more than one ':'",
        ":1 | entry ':1': the resource name is blank",
        "(web):1 | entry '(web):1': the resource name is blank",
        "cp us:1 | entry 'cp us:1': resource name 'cp us' must not contain whitespace",
        "cpus: | entry 'cpus:': the value is missing after ':'",
        "cpus:abc | entry 'cpus:abc': 'abc' is not a non-negative number, a range list",
        "cpus:-1 | entry 'cpus:-1': '-1' is not a non-negative number",
        "cpus:1e3 | entry 'cpus:1e3': '1e3' is not a non-negative number",
        "ports:5 | entry 'ports:5': ports must be a range list such as [31000-32000]",
        "ports:{a} | entry 'ports:{a}': ports must be a range list",
        "ports:[1-2 | entry 'ports:[1-2': it must end with ']'",
        "ports:[1-2-3] | entry 'ports:[1-2-3]': expected begin-end pairs but found 3 bound(s)",
        "ports:[70000-70001] | entry 'ports:[70000-70001]': port 70000 is out of bounds",
        "ports:[200-100] | entry 'ports:[200-100]': range 200-100 has begin > end",
        "ports:[a-b] | entry 'ports:[a-b]': 'a' is not a port number",
        "gpus:[5-1] | entry 'gpus:[5-1]': range 5-1 has begin > end",
        "gpus:[1-2 | entry 'gpus:[1-2': a range list must be enclosed in '[' and ']'",
        "gpus:[1-2-3] | entry 'gpus:[1-2-3]': expected begin-end pairs but found 3 bound(s)",
        "gpus:[x-1] | entry 'gpus:[x-1]': 'x' is not a whole number",
        "gpus:[1-18446744073709551616] | entry 'gpus:[1-18446744073709551616]': bound"
            + " 18446744073709551616 does not fit in 64 bits",
        "zones:{a,b | entry 'zones:{a,b': a set must end with '}'",
        "zones:{a,,b} | entry 'zones:{a,,b}': a set item is empty",
        "zones:{a{b} | entry 'zones:{a{b}': set item 'a{b' must not contain",
        "cpus(web:1 | entry 'cpus(web:1': bad parentheses; write name(role):value",
        "cpus)web(:1 | entry 'cpus)web(:1': bad parentheses",
        "cpus(web)x:1 | entry 'cpus(web)x:1': bad parentheses",
        "cpus():1 | entry 'cpus():1': the role in '()' is empty",
        "`cpus(web, alice):1` | entry 'cpus(web, alice):1': a reservation such as"
            + " (role,principal) is not supported; write name(role)",
        "cpus(a//b):1 | entry 'cpus(a//b):1': role 'a//b' has an empty, '.' or '..' part",
        "cpus(a/..):1 | entry 'cpus(a/..):1': role 'a/..' has an empty, '.' or '..' part",
        "cpus(-a):1 | entry 'cpus(-a):1': role '-a' has a part that starts with '-'",
        "cpus(a*):1 | entry 'cpus(a*):1': role 'a*' must not contain",
        "cpus:1;cpus:[1-2] | entry 'cpus:[1-2]': resource 'cpus' is RANGES here but SCALAR in an"
            + " earlier entry",
        "[1-2] | entry '[1-2]': missing ':'",
      })
  void rejectsBadTextNamingTheEntry(String text, String expectedProblem) {
    ResourcesFormatException e =
        assertThrows(ResourcesFormatException.class, () -> AgentResources.parse(text));
    assertStartsWith("Invalid resources '" + text + "': " + expectedProblem, e.getMessage());
    assertEquals(text, e.input());
    assertStartsWith(expectedProblem, e.problem());
  }

  @Test
  void keepsThePortRangeErrorAsTheCause() {
    ResourcesFormatException e =
        assertThrows(ResourcesFormatException.class, () -> AgentResources.parse("ports:[9-1]"));
    assertInstanceOf(PortRangesFormatException.class, e.getCause());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "[{\"name\":\"ports\" | invalid JSON at character 17: unexpected end of text, expected"
            + " ',' or '}'",
        "[]x | invalid JSON at character 3: unexpected 'x' after the JSON value",
        "[{},] | invalid JSON at character 5: unexpected ']', expected a value",
        "[{\"name\":\"a\",\"name\":\"b\"}] | invalid JSON at character 14: duplicate member"
            + " \"name\"",
        "[{}] | resource #1: \"name\" must be a string, but it is missing",
        "[{\"name\":1}] | resource #1: \"name\" must be a string, not a number",
        "[{\"name\":\"\",\"type\":\"SCALAR\"}] | resource #1 (''): the resource name is blank",
        "[{\"name\":\"cpus\"}] | resource #1 ('cpus'): \"type\" must be the string SCALAR, RANGES"
            + " or SET, but it is missing",
        "[{\"name\":\"cpus\",\"type\":1}] | resource #1 ('cpus'): \"type\" must be the string"
            + " SCALAR, RANGES or SET, not a number",
        "[{\"name\":\"cpus\",\"type\":\"TEXT\"}] | resource #1 ('cpus'): TEXT resources are not"
            + " supported",
        "[{\"name\":\"cpus\",\"type\":\"scalar\"}] | resource #1 ('cpus'): unknown type"
            + " \"scalar\"; expected SCALAR, RANGES or SET",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\"}] | resource #1 ('cpus'): type is SCALAR but the"
            + " \"scalar\" member is missing",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1},\"ranges\":{}}] |"
            + " resource #1 ('cpus'): type is SCALAR but it has a \"ranges\" member",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":\"1\"}}] | resource #1"
            + " ('cpus'): \"scalar\" needs a numeric \"value\", not a string",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":-1}}] | resource #1"
            + " ('cpus'): the amount -1 is negative",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1e999999999}}] |"
            + " resource #1 ('cpus'): the amount 1E+999999999 needs more than 30 digits before or"
            + " after the point",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1e-31}}] |"
            + " resource #1 ('cpus'): the amount 1E-31 needs more than 30 digits",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":1}] | resource #1 ('cpus') \"scalar\""
            + " must be a JSON object, not a number",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1,\"unit\":2}}] |"
            + " resource #1 ('cpus') \"scalar\": unknown member \"unit\"; expected value",
        "[{\"name\":\"ports\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}}] | resource #1"
            + " ('ports'): ports must be a RANGES resource, not SCALAR",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"rangs\":{}}] | resource #1 ('ports'):"
            + " unknown member \"rangs\"; a resource has name, type, scalar, ranges or set, and"
            + " optionally allocation_info, disk, provider_id, reservation, reservations,"
            + " revocable, role, shared",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":{}}}] | resource #1"
            + " ('ports') \"range\" must be a JSON array, not an object",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[1]}}] | resource #1"
            + " ('ports') range #1 must be a JSON object, not a number",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":1}]}}] |"
            + " resource #1 ('ports') range #1: \"end\" must be a whole number, but it is missing",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":1,"
            + "\"end\":70000}]}}] | resource #1 ('ports') range #1: \"end\" 70000 is out of bounds;"
            + " ports are 0 to 65535",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":200,"
            + "\"end\":100}]}}] | resource #1 ('ports') range #1: range 200-100 has begin > end",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":1.5,"
            + "\"end\":2}]}}] | resource #1 ('ports') range #1: \"begin\" 1.5 is not a whole"
            + " number",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":-1,"
            + "\"end\":2}]}}] | resource #1 ('ports') range #1: \"begin\" -1 is negative",
        "[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":1e999999,"
            + "\"end\":2}]}}] | resource #1 ('ports') range #1: \"begin\" 1E+999999 is out of"
            + " bounds",
        "[{\"name\":\"gpus\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":1,"
            + "\"end\":18446744073709551616}]}}] | resource #1 ('gpus') range #1: \"end\""
            + " 18446744073709551616 does not fit in 64 bits",
        "[{\"name\":\"zones\",\"type\":\"SET\",\"set\":{\"item\":[1]}}] | resource #1 ('zones'):"
            + " set items must be strings, not a number",
        "[{\"name\":\"zones\",\"type\":\"SET\",\"set\":{\"item\":[\"\"]}}] | resource #1"
            + " ('zones'): a set item is empty",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}},\"x\"] | resource #2"
            + " must be a JSON object, not a string",
        "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1}},"
            + "{\"name\":\"cpus\",\"type\":\"SET\",\"set\":{}}] | resource #2 ('cpus'): resource"
            + " 'cpus' is SET here but SCALAR in an earlier entry",
      })
  void rejectsBadJsonNamingTheResource(String text, String expectedProblem) {
    ResourcesFormatException e =
        assertThrows(ResourcesFormatException.class, () -> AgentResources.parse(text));
    assertStartsWith("Invalid resources '" + text + "': " + expectedProblem, e.getMessage());
  }

  @Test
  void cutsVeryLongInputInTheMessageButKeepsItWhole() {
    String text = "cpus:1;".repeat(100) + "ports:5";
    ResourcesFormatException e =
        assertThrows(ResourcesFormatException.class, () -> AgentResources.parse(text));
    assertEquals(text, e.input());
    assertStartsWith(
        "Invalid resources '"
            + text.substring(0, 200)
            + "... ("
            + text.length()
            + " characters)': entry 'ports:5': ports must be a range list",
        e.getMessage());
  }
}
