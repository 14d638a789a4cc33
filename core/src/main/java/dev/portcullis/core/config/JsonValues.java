package dev.portcullis.core.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings JSON that another library has read into the values {@link JsonReader} gives, so that one
 * reader of the resources' JSON form serves both: numbers become exact {@link BigDecimal}s, and a
 * JSON {@code null} the {@link JsonReader#NULL} marker, distinct from a member that is absent.
 */
final class JsonValues {

  private JsonValues() {}

  /**
   * The value in {@link JsonReader}'s terms.
   *
   * @param value a map with string keys, a list, a string, a number, a boolean, or null for JSON
   *     {@code null}, nested as JSON nests them
   * @param input the text the value was read from, which errors quote
   * @throws ResourcesFormatException for a number that is not finite
   * @throws IllegalArgumentException for anything that is no JSON value
   */
  static Object normalized(Object value, String input) {
    if (value == null) {
      return JsonReader.NULL;
    }
    if (value instanceof String || value instanceof Boolean || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof Number number) {
      return number(number, input);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> members = new LinkedHashMap<>();
      for (Map.Entry<?, ?> member : map.entrySet()) {
        if (!(member.getKey() instanceof String key)) {
          throw new IllegalArgumentException("A JSON member name must be a string: " + member);
        }
        members.put(key, normalized(member.getValue(), input));
      }
      return members;
    }
    if (value instanceof List<?> list) {
      List<Object> elements = new ArrayList<>();
      for (Object element : list) {
        elements.add(normalized(element, input));
      }
      return elements;
    }
    throw new IllegalArgumentException("Not a JSON value: " + value.getClass().getName());
  }

  private static BigDecimal number(Number number, String input) {
    if (number instanceof BigInteger integer) {
      return new BigDecimal(integer);
    }
    if ((number instanceof Double || number instanceof Float)
        && !Double.isFinite(number.doubleValue())) {
      // A reader that parses numbers as doubles turns one too large for them into infinity.
      throw new ResourcesFormatException(input, "the number " + number + " is out of range");
    }
    try {
      // The decimal a number prints as is the one its JSON text held, for doubles too.
      return new BigDecimal(number.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a JSON number: " + number, e);
    }
  }
}
