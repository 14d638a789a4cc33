package dev.portcullis.core.config;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.PortRangesFormatException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the text form of {@code --resources}: entries {@code name:value} or {@code
 * name(role):value} separated by {@code ;}, as in {@code cpus:1;mem:32;ports:[31000-32000]}.
 *
 * <p>A value is a scalar ({@code 1}, {@code 0.5}), a range list ({@code [1-2,5-9]}) or a set
 * ({@code {a,b}}). Semicolons before the first and after the last entry are allowed, as Mesos
 * allows a trailing one; an empty entry between two others is an error, since it usually means
 * something was deleted by mistake.
 */
final class ResourceText {

  private static final Pattern SCALAR = Pattern.compile("\\d+(\\.\\d+)?");

  private final String input;

  private ResourceText(String input) {
    this.input = input;
  }

  /**
   * The entries of {@code input}, in order; empty for blank text.
   *
   * @throws ResourcesFormatException naming the first bad entry
   */
  static List<ResourceEntry> read(String input) {
    return new ResourceText(input).entries();
  }

  private List<ResourceEntry> entries() {
    String body = input.strip();
    while (body.startsWith(";") || body.endsWith(";")) {
      body = body.startsWith(";") ? body.substring(1).strip() : body;
      body = body.endsWith(";") ? body.substring(0, body.length() - 1).strip() : body;
    }
    if (body.isEmpty()) {
      return List.of();
    }
    String[] parts = body.split(";", -1);
    List<ResourceEntry> entries = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isBlank()) {
        throw fail(
            "empty entry between '"
                + parts[i - 1].strip()
                + "' and '"
                + Arrays.stream(parts, i + 1, parts.length)
                    .filter(part -> !part.isBlank())
                    .findFirst()
                    .orElseThrow()
                    .strip()
                + "'; remove the extra ';'");
      }
      entries.add(entry(parts[i].strip()));
    }
    return entries;
  }

  private ResourceEntry entry(String entry) {
    String label = "entry '" + entry + "'";
    int colon = entry.indexOf(':');
    if (colon < 0) {
      throw fail(label + ": missing ':' between the resource name and its value");
    }
    if (entry.indexOf(':', colon + 1) >= 0) {
      throw fail(label + ": more than one ':'; write name:value or name(role):value");
    }
    String head = entry.substring(0, colon);
    String valueText = entry.substring(colon + 1).strip();
    String name = head.strip();
    int open = head.indexOf('(');
    if (open >= 0) {
      int close = head.indexOf(')');
      if (close < open || !head.substring(close + 1).isBlank()) {
        throw fail(label + ": bad parentheses; write name(role):value");
      }
      name = head.substring(0, open).strip();
      checkRole(label, head.substring(open + 1, close).strip());
    }
    Optional<String> nameProblem = ResourceNames.nameProblem(name);
    if (nameProblem.isPresent()) {
      throw fail(label + ": " + nameProblem.get());
    }
    if (valueText.isEmpty()) {
      throw fail(label + ": the value is missing after ':'");
    }
    return new ResourceEntry(name, value(label, name, valueText), label);
  }

  private void checkRole(String label, String role) {
    if (role.contains(",")) {
      throw fail(
          label + ": a reservation such as (role,principal) is not supported; write name(role)");
    }
    Optional<String> problem = ResourceNames.roleProblem(role);
    if (problem.isPresent()) {
      throw fail(label + ": " + problem.get());
    }
  }

  private ResourceValue value(String label, String name, String text) {
    if (name.equals(ResourceNames.PORTS)) {
      return portRanges(label, text);
    }
    if (text.startsWith("{") && !text.endsWith("}")) {
      throw fail(label + ": a set must end with '}'");
    }
    try {
      if (text.startsWith("[")) {
        return ResourceValue.Ranges.parse(text);
      } else if (text.startsWith("{")) {
        return items(text);
      } else if (SCALAR.matcher(text).matches()) {
        return new ResourceValue.Scalar(new BigDecimal(text));
      }
    } catch (IllegalArgumentException e) {
      throw fail(label + ": " + e.getMessage(), e);
    }
    throw fail(
        label
            + ": '"
            + text
            + "' is not a non-negative number, a range list such as [1-2] or a set such as {a,b}");
  }

  private ResourceValue portRanges(String label, String text) {
    if (!text.startsWith("[")) {
      throw fail(label + ": ports must be a range list such as [31000-32000]");
    }
    try {
      PortRanges ranges = PortRanges.parse(text);
      List<ResourceValue.Span> spans = new ArrayList<>();
      for (PortRanges.Range range : ranges.ranges()) {
        spans.add(ResourceValue.Span.of(range.begin(), range.end()));
      }
      return ResourceValue.Ranges.of(spans);
    } catch (PortRangesFormatException e) {
      throw fail(label + ": " + Diagnostics.problemOf(e), e);
    }
  }

  private static ResourceValue items(String text) {
    String inner = text.substring(1, text.length() - 1);
    if (inner.isBlank()) {
      return new ResourceValue.Items(List.of());
    }
    List<String> items = new ArrayList<>();
    for (String item : inner.split(",", -1)) {
      items.add(item.strip());
    }
    return new ResourceValue.Items(items);
  }

  private ResourcesFormatException fail(String problem) {
    return new ResourcesFormatException(input, problem);
  }

  private ResourcesFormatException fail(String problem, Throwable cause) {
    return new ResourcesFormatException(input, problem, cause);
  }
}
