package dev.portcullis.core.config;

import dev.portcullis.api.PortRanges;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the JSON form of {@code --resources}: an array of Mesos {@code Resource} messages, as in
 * {@code [{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]}}]}.
 *
 * <p>Every member a Mesos {@code Resource} may have is accepted; those that do not change which
 * ports the agent offers ({@code role}, {@code reservations}, {@code disk} and the like) are
 * ignored. Any other member is an error, since it is most likely a misspelt one.
 */
final class ResourceJson {

  private static final Set<String> IGNORED_MEMBERS =
      Set.of(
          "role",
          "reservation",
          "reservations",
          "disk",
          "revocable",
          "shared",
          "allocation_info",
          "provider_id");

  private static final String IGNORED_MEMBER_LIST =
      String.join(", ", new TreeSet<>(IGNORED_MEMBERS));

  private static final Map<String, String> PAYLOAD_BY_TYPE =
      Map.of("SCALAR", "scalar", "RANGES", "ranges", "SET", "set");

  /** Keeps the exact-integer conversion cheap for numbers such as 1e999999999. */
  private static final int MAX_INTEGER_DIGITS = 20;

  /** Far beyond any real amount: Mesos keeps scalars as doubles with three decimals. */
  private static final int MAX_SCALAR_DIGITS = 30;

  private final String input;

  private ResourceJson(String input) {
    this.input = input;
  }

  /**
   * The resources of {@code input}, in order; empty for {@code []}.
   *
   * @throws ResourcesFormatException when the text is not JSON or a resource is malformed; the
   *     message names the resource by its position and, when known, its name
   */
  static List<ResourceEntry> read(String input) {
    Object root;
    try {
      root = JsonReader.read(input);
    } catch (JsonReader.SyntaxException e) {
      throw new ResourcesFormatException(input, e.getMessage(), e);
    }
    return new ResourceJson(input).entries(root);
  }

  /**
   * The resources of JSON another library has read, as {@link JsonValues#normalized} takes it.
   *
   * @param input the text it was read from, which errors quote
   */
  static List<ResourceEntry> of(List<?> resources, String input) {
    return new ResourceJson(input).entries(JsonValues.normalized(resources, input));
  }

  private List<ResourceEntry> entries(Object root) {
    if (!(root instanceof List<?> elements)) {
      throw fail(
          "the JSON form must be an array of resource objects, not " + JsonReader.kindOf(root));
    }
    List<ResourceEntry> entries = new ArrayList<>(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      entries.add(entry("resource #" + (i + 1), elements.get(i)));
    }
    return entries;
  }

  private ResourceEntry entry(String position, Object element) {
    Map<?, ?> resource = object(position, element);
    Object nameValue = resource.get("name");
    if (!(nameValue instanceof String name)) {
      throw fail(
          position
              + ": \"name\" must be a string"
              + (nameValue == null
                  ? ", but it is missing"
                  : ", not " + JsonReader.kindOf(nameValue)));
    }
    String label = position + " ('" + name + "')";
    Optional<String> nameProblem = ResourceNames.nameProblem(name);
    if (nameProblem.isPresent()) {
      throw fail(label + ": " + nameProblem.get());
    }
    for (Object member : resource.keySet()) {
      if (!member.equals("name")
          && !member.equals("type")
          && !PAYLOAD_BY_TYPE.containsValue(member)
          && !IGNORED_MEMBERS.contains(member)) {
        throw fail(
            label
                + ": unknown member \""
                + member
                + "\"; a resource has name, type, scalar, ranges or set, and optionally "
                + IGNORED_MEMBER_LIST);
      }
    }
    String type = type(label, resource.get("type"));
    if (name.equals(ResourceNames.PORTS) && !type.equals("RANGES")) {
      throw fail(label + ": ports must be a RANGES resource, not " + type);
    }
    String payload = PAYLOAD_BY_TYPE.get(type);
    for (String other : PAYLOAD_BY_TYPE.values()) {
      if (!other.equals(payload) && resource.containsKey(other)) {
        throw fail(label + ": type is " + type + " but it has a \"" + other + "\" member");
      }
    }
    if (!resource.containsKey(payload)) {
      throw fail(label + ": type is " + type + " but the \"" + payload + "\" member is missing");
    }
    Map<?, ?> body = object(label + " \"" + payload + "\"", resource.get(payload));
    ResourceValue value =
        switch (type) {
          case "SCALAR" -> scalar(label, body);
          case "RANGES" -> ranges(label, name.equals(ResourceNames.PORTS), body);
          default -> items(label, body);
        };
    return new ResourceEntry(name, value, label);
  }

  private String type(String label, Object type) {
    if (!(type instanceof String text)) {
      throw fail(
          label
              + ": \"type\" must be the string SCALAR, RANGES or SET"
              + (type == null ? ", but it is missing" : ", not " + JsonReader.kindOf(type)));
    }
    if (text.equals("TEXT")) {
      throw fail(label + ": TEXT resources are not supported; use SCALAR, RANGES or SET");
    }
    if (!PAYLOAD_BY_TYPE.containsKey(text)) {
      throw fail(label + ": unknown type \"" + text + "\"; expected SCALAR, RANGES or SET");
    }
    return text;
  }

  private ResourceValue scalar(String label, Map<?, ?> scalar) {
    onlyMembers(label + " \"scalar\"", scalar, "value");
    Object value = scalar.get("value");
    if (!(value instanceof BigDecimal amount)) {
      throw fail(
          label
              + ": \"scalar\" needs a numeric \"value\""
              + (value == null ? "" : ", not " + JsonReader.kindOf(value)));
    }
    if (amount.signum() < 0) {
      throw fail(label + ": the amount " + amount + " is negative");
    }
    BigDecimal exact = amount.stripTrailingZeros();
    // The amount is printed in plain digits: bound them, as 1e999999999 would print a gigabyte.
    if (exact.precision() - exact.scale() > MAX_SCALAR_DIGITS
        || exact.scale() > MAX_SCALAR_DIGITS) {
      throw fail(
          label
              + ": the amount "
              + amount
              + " needs more than "
              + MAX_SCALAR_DIGITS
              + " digits before or after the point");
    }
    return new ResourceValue.Scalar(amount);
  }

  private ResourceValue ranges(String label, boolean ports, Map<?, ?> ranges) {
    onlyMembers(label + " \"ranges\"", ranges, "range");
    List<?> elements = array(label + " \"range\"", ranges.get("range"));
    List<ResourceValue.Span> spans = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      String rangeLabel = label + " range #" + (i + 1);
      Map<?, ?> range = object(rangeLabel, elements.get(i));
      onlyMembers(rangeLabel, range, "begin", "end");
      BigInteger begin = bound(rangeLabel, "begin", range.get("begin"), ports);
      BigInteger end = bound(rangeLabel, "end", range.get("end"), ports);
      if (begin.compareTo(end) > 0) {
        throw fail(rangeLabel + ": range " + begin + "-" + end + " has begin > end");
      }
      spans.add(new ResourceValue.Span(begin, end));
    }
    return ResourceValue.Ranges.of(spans);
  }

  private BigInteger bound(String label, String member, Object value, boolean ports) {
    if (!(value instanceof BigDecimal number)) {
      throw fail(
          label
              + ": \""
              + member
              + "\" must be a whole number"
              + (value == null ? ", but it is missing" : ", not " + JsonReader.kindOf(value)));
    }
    BigDecimal whole = number.signum() == 0 ? BigDecimal.ZERO : number.stripTrailingZeros();
    if (whole.scale() > 0) {
      throw fail(label + ": \"" + member + "\" " + number + " is not a whole number");
    }
    if (number.signum() < 0) {
      throw fail(label + ": \"" + member + "\" " + number + " is negative");
    }
    BigInteger max =
        ports ? BigInteger.valueOf(PortRanges.MAX_PORT) : ResourceValue.Ranges.MAX_BOUND;
    if (whole.precision() - whole.scale() > MAX_INTEGER_DIGITS
        || whole.toBigIntegerExact().compareTo(max) > 0) {
      throw fail(
          label
              + ": \""
              + member
              + "\" "
              + number
              + (ports
                  ? " is out of bounds; ports are 0 to " + PortRanges.MAX_PORT
                  : " does not fit in 64 bits; the largest is " + max));
    }
    return whole.toBigIntegerExact();
  }

  private ResourceValue items(String label, Map<?, ?> set) {
    onlyMembers(label + " \"set\"", set, "item");
    List<?> elements = array(label + " \"item\"", set.get("item"));
    List<String> items = new ArrayList<>();
    for (Object element : elements) {
      if (!(element instanceof String item)) {
        throw fail(label + ": set items must be strings, not " + JsonReader.kindOf(element));
      }
      items.add(item);
    }
    try {
      return new ResourceValue.Items(items);
    } catch (IllegalArgumentException e) {
      throw new ResourcesFormatException(input, label + ": " + e.getMessage(), e);
    }
  }

  private Map<?, ?> object(String label, Object value) {
    if (!(value instanceof Map<?, ?> object)) {
      throw fail(label + " must be a JSON object, not " + JsonReader.kindOf(value));
    }
    return object;
  }

  /** A repeated protobuf field: absent means none. */
  private List<?> array(String label, Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> array)) {
      throw fail(label + " must be a JSON array, not " + JsonReader.kindOf(value));
    }
    return array;
  }

  private void onlyMembers(String label, Map<?, ?> object, String... allowed) {
    List<String> known = List.of(allowed);
    for (Object member : object.keySet()) {
      if (!known.contains(member)) {
        throw fail(
            label + ": unknown member \"" + member + "\"; expected " + String.join(", ", known));
      }
    }
  }

  private ResourcesFormatException fail(String problem) {
    return new ResourcesFormatException(input, problem);
  }
}
