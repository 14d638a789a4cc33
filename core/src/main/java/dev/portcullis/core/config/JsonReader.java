package dev.portcullis.core.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of one JSON text (RFC 8259) into plain Java values: an object becomes an
 * unmodifiable {@code Map<String, Object>} in member order, an array an unmodifiable {@code
 * List<Object>}, a string a {@link String}, a number a {@link BigDecimal}, {@code true} and {@code
 * false} a {@link Boolean}, and {@code null} the {@link #NULL} marker.
 *
 * <p>Strict means: no comments, no trailing commas, no single quotes, no duplicate member names,
 * nothing after the value but whitespace, and nesting at most {@value #MAX_DEPTH} deep so that
 * hostile input cannot exhaust the stack.
 */
final class JsonReader {

  /** The JSON value {@code null}; distinct from a member that is absent. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  static final int MAX_DEPTH = 64;

  private final String text;
  private int position;
  private int depth;

  private JsonReader(String text) {
    this.text = text;
  }

  /**
   * The value that {@code text} holds.
   *
   * @throws SyntaxException saying where and why the text is not JSON
   */
  static Object read(String text) {
    JsonReader reader = new JsonReader(text);
    reader.skipWhitespace();
    Object value = reader.readValue();
    reader.skipWhitespace();
    if (reader.position < text.length()) {
      throw reader.error("unexpected " + reader.describeNext() + " after the JSON value");
    }
    return value;
  }

  /** What kind of JSON value {@code value} is, for messages: "an object", "a string", ... */
  static String kindOf(Object value) {
    if (value instanceof Map) {
      return "an object";
    } else if (value instanceof List) {
      return "an array";
    } else if (value instanceof String) {
      return "a string";
    } else if (value instanceof BigDecimal) {
      return "a number";
    } else if (value instanceof Boolean) {
      return "a boolean";
    }
    return "null";
  }

  private Object readValue() {
    if (position >= text.length()) {
      throw error("unexpected end of text, expected a value");
    }
    char c = text.charAt(position);
    return switch (c) {
      case '{' -> readObject();
      case '[' -> readArray();
      case '"' -> readString();
      case 't' -> readLiteral("true", true);
      case 'f' -> readLiteral("false", false);
      case 'n' -> readLiteral("null", NULL);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield readNumber();
        }
        throw error("unexpected " + describeNext() + ", expected a value");
      }
    };
  }

  private Map<String, Object> readObject() {
    enterNesting();
    position++;
    Map<String, Object> members = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      position++;
      depth--;
      return Collections.unmodifiableMap(members);
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("unexpected " + describeNext() + ", expected a member name in double quotes");
      }
      int nameStart = position;
      String name = readString();
      if (members.containsKey(name)) {
        position = nameStart;
        throw error("duplicate member \"" + name + "\"");
      }
      skipWhitespace();
      expect(':');
      skipWhitespace();
      members.put(name, readValue());
      skipWhitespace();
      if (peek() == ',') {
        position++;
      } else if (peek() == '}') {
        position++;
        depth--;
        return Collections.unmodifiableMap(members);
      } else {
        throw error("unexpected " + describeNext() + ", expected ',' or '}'");
      }
    }
  }

  private List<Object> readArray() {
    enterNesting();
    position++;
    List<Object> elements = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      position++;
      depth--;
      return Collections.unmodifiableList(elements);
    }
    while (true) {
      skipWhitespace();
      elements.add(readValue());
      skipWhitespace();
      if (peek() == ',') {
        position++;
      } else if (peek() == ']') {
        position++;
        depth--;
        return Collections.unmodifiableList(elements);
      } else {
        throw error("unexpected " + describeNext() + ", expected ',' or ']'");
      }
    }
  }

  private void enterNesting() {
    if (++depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }
  }

  private String readString() {
    position++;
    StringBuilder value = new StringBuilder();
    while (true) {
      if (position >= text.length()) {
        throw error("unexpected end of text inside a string");
      }
      char c = text.charAt(position);
      if (c == '"') {
        position++;
        return value.toString();
      }
      if (c < 0x20) {
        throw error("control character U+" + hex4(c) + " inside a string; escape it");
      }
      if (c == '\\') {
        value.append(readEscape());
      } else {
        value.append(c);
        position++;
      }
    }
  }

  private char readEscape() {
    position++;
    if (position >= text.length()) {
      throw error("unexpected end of text inside an escape");
    }
    char c = text.charAt(position++);
    return switch (c) {
      case '"', '\\', '/' -> c;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> readUnicodeEscape();
      default -> {
        position--;
        throw error("invalid escape '\\" + c + "'");
      }
    };
  }

  private char readUnicodeEscape() {
    if (position + 4 > text.length()) {
      throw error("unexpected end of text inside a \\u escape");
    }
    int code = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(position), 16);
      if (digit < 0) {
        throw error("invalid hexadecimal digit in a \\u escape");
      }
      code = code * 16 + digit;
      position++;
    }
    return (char) code;
  }

  private BigDecimal readNumber() {
    int start = position;
    if (peek() == '-') {
      position++;
    }
    if (peek() == '0') {
      position++;
    } else if (isDigit(peek())) {
      skipDigits();
    } else {
      throw error("a number needs a digit after '-'");
    }
    if (peek() == '.') {
      position++;
      if (!isDigit(peek())) {
        throw error("a number needs a digit after '.'");
      }
      skipDigits();
    }
    if (peek() == 'e' || peek() == 'E') {
      position++;
      if (peek() == '+' || peek() == '-') {
        position++;
      }
      if (!isDigit(peek())) {
        throw error("a number needs a digit in its exponent");
      }
      skipDigits();
    }
    if (isDigit(peek()) || Character.isLetter(peek())) {
      throw error("unexpected " + describeNext() + " in a number");
    }
    try {
      return new BigDecimal(text.substring(start, position));
    } catch (NumberFormatException e) {
      // Only an exponent beyond the int range gets here.
      position = start;
      throw error("number out of range");
    }
  }

  private void skipDigits() {
    while (isDigit(peek())) {
      position++;
    }
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private Object readLiteral(String literal, Object value) {
    if (!text.startsWith(literal, position)) {
      throw error("unexpected " + describeNext() + ", expected a value");
    }
    position += literal.length();
    if (Character.isLetterOrDigit(peek())) {
      throw error("unexpected " + describeNext() + " after " + literal);
    }
    return value;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("unexpected " + describeNext() + ", expected '" + c + "'");
    }
    position++;
  }

  /** The next character, or -1 at the end of the text. */
  private int peek() {
    return position < text.length() ? text.charAt(position) : -1;
  }

  private void skipWhitespace() {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      position++;
    }
  }

  private String describeNext() {
    if (position >= text.length()) {
      return "end of text";
    }
    char c = text.charAt(position);
    return c < 0x20 ? "character U+" + hex4(c) : "'" + c + "'";
  }

  private static String hex4(char c) {
    return String.format("%04X", (int) c);
  }

  private SyntaxException error(String problem) {
    return new SyntaxException(position + 1, problem);
  }

  /** The text is not JSON; the message gives the 1-based character position and the reason. */
  static final class SyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    SyntaxException(int character, String problem) {
      super("invalid JSON at character " + character + ": " + problem);
    }
  }
}
