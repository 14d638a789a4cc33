package dev.portcullis.core.config;

import static dev.portcullis.core.config.MessageAssertions.assertStartsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonReaderTest {

  @Test
  void readsEveryKindOfValue() {
    Object value =
        JsonReader.read(
            " {\"a\": [1, -2.5e1, 0, true, false, null, \"s\"], \"b\": {}, \"c\": []} ");
    assertEquals(
        Map.of(
            "a",
            Arrays.asList(
                new BigDecimal("1"),
                new BigDecimal("-2.5e1"),
                new BigDecimal("0"),
                true,
                false,
                JsonReader.NULL,
                "s"),
            "b",
            Map.of(),
            "c",
            List.of()),
        value);
  }

  @Test
  void keepsMemberOrder() {
    Map<?, ?> object = (Map<?, ?>) JsonReader.read("{\"z\":1,\"a\":2,\"m\":3}");
    assertEquals(List.of("z", "a", "m"), List.copyOf(object.keySet()));
  }

  @Test
  void decodesEscapes() {
    assertEquals(
        "q\" b\\ s/ \b\f\n\r\t é €",
        JsonReader.read("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20AC\""));
  }

  @Test
  void allowsNestingUpToTheLimit() {
    String deep = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
    JsonReader.read(deep);
  }

  @Test
  void rejectsNestingBeyondTheLimit() {
    String deeper = "[".repeat(JsonReader.MAX_DEPTH + 1) + "]".repeat(JsonReader.MAX_DEPTH + 1);
    JsonReader.SyntaxException e =
        assertThrows(JsonReader.SyntaxException.class, () -> JsonReader.read(deeper));
    assertEquals("invalid JSON at character 65: nesting deeper than 64 levels", e.getMessage());
  }

  @Test
  void nullIsDistinctFromAbsent() {
    Map<?, ?> object = (Map<?, ?>) JsonReader.read("{\"a\":null}");
    assertSame(JsonReader.NULL, object.get("a"));
    assertEquals("null", JsonReader.kindOf(object.get("a")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "`` | invalid JSON at character 1: unexpected end of text, expected a value",
        "[1,] | invalid JSON at character 4: unexpected ']', expected a value",
        "{\"a\":1,} | invalid JSON at character 8: unexpected '}', expected a member name in double"
            + " quotes",
        "{a:1} | invalid JSON at character 2: unexpected 'a', expected a member name in double"
            + " quotes",
        "['a'] | invalid JSON at character 2: unexpected ''', expected a value",
        "[1] // c | invalid JSON at character 5: unexpected '/' after the JSON value",
        "01 | invalid JSON at character 2: unexpected '1' in a number",
        "1. | invalid JSON at character 3: a number needs a digit after '.'",
        "-x | invalid JSON at character 2: a number needs a digit after '-'",
        "1e | invalid JSON at character 3: a number needs a digit in its exponent",
        "1e99999999999 | invalid JSON at character 1: number out of range",
        "tru | invalid JSON at character 1: unexpected 't', expected a value",
        "trueish | invalid JSON at character 5: unexpected 'i' after true",
        "\"abc | invalid JSON at character 5: unexpected end of text inside a string",
        "\"\\x\" | invalid JSON at character 3: invalid escape '\\x'",
        "\"\\u12g4\" | invalid JSON at character 6: invalid hexadecimal digit in a \\u escape",
        "{\"a\" 1} | invalid JSON at character 6: unexpected '1', expected ':'",
        "{\"a\":1 \"b\":2} | invalid JSON at character 8: unexpected '\"', expected ',' or '}'",
        "[1 2] | invalid JSON at character 4: unexpected '2', expected ',' or ']'",
        "{\"a\":1,\"a\":2} | invalid JSON at character 8: duplicate member \"a\"",
      })
  void rejectsWhatIsNotStrictJson(String text, String expected) {
    JsonReader.SyntaxException e =
        assertThrows(JsonReader.SyntaxException.class, () -> JsonReader.read(text));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void rejectsRawControlCharactersInStrings() {
    JsonReader.SyntaxException e =
        assertThrows(JsonReader.SyntaxException.class, () -> JsonReader.read("\"a\nb\""));
    assertStartsWith(
        "invalid JSON at character 3: control character U+000A inside a string", e.getMessage());
  }
}
