package dev.portcullis.core.config;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Stability;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The resources a Mesos agent offers, as given by its {@code --resources} flag, of which the
 * isolator needs only {@code ports}.
 *
 * <p>Both Mesos forms are read: the text form {@code cpus:1;mem:32;ports:[31000-32000]} and the
 * JSON form, an array of {@code Resource} objects, as text or as values a JSON library has read
 * ({@link #ofJson}). The whole value is validated, not only the {@code ports} entry, so that a
 * mistake anywhere in the flag is reported at start-up.
 *
 * <p>Entries with the same name merge as Mesos adds resources — whatever their roles: scalars sum,
 * ranges and sets unite. So several {@code ports} entries for different roles yield the union of
 * their ranges.
 *
 * <p>Immutable and thread-safe; two instances are equal when they hold the same merged values.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class AgentResources {

  private static final AgentResources NONE = new AgentResources(new TreeMap<>());

  private final SortedMap<String, ResourceValue> byName;
  private final PortRanges ports;

  private AgentResources(SortedMap<String, ResourceValue> byName) {
    this.byName = Collections.unmodifiableSortedMap(byName);
    ResourceValue portsValue = byName.get(ResourceNames.PORTS);
    this.ports = portsValue == null ? null : toPortRanges((ResourceValue.Ranges) portsValue);
  }

  /** {@return the resources of an agent given none: in particular, no {@code ports} resource} */
  public static AgentResources none() {
    return NONE;
  }

  /**
   * Parses a {@code --resources} value.
   *
   * <p>The text is read as JSON when, once trimmed, it starts with {@code [} followed (after
   * optional whitespace) by <code>{</code> or {@code ]}; otherwise as the text form. Blank text,
   * and the empty JSON array {@code []}, mean no resources.
   *
   * <p>In the text form, entries are {@code name:value} or {@code name(role):value} separated by
   * {@code ;} (one may lead or trail); a value is a non-negative decimal scalar, a range list
   * {@code [b-e,...]} or a set <code>{a,b}</code>. In the JSON form, each resource needs a {@code
   * name} and a {@code type} ({@code SCALAR}, {@code RANGES} or {@code SET}) with the matching
   * {@code scalar}, {@code ranges} or {@code set} member.
   *
   * <p>In both forms {@code ports} must be a range list with bounds 0 to 65535, and in every range
   * list a begin greater than its end is an error.
   *
   * @param text the flag's value; never null
   * @return never null
   * @throws ResourcesFormatException quoting the text and naming the offending entry
   */
  public static AgentResources parse(String text) {
    Objects.requireNonNull(text, "text");
    return merged(text, isJson(text) ? ResourceJson.read(text) : ResourceText.read(text));
  }

  /**
   * The resources of the JSON form that a JSON library of the caller's has already read, without
   * reading its text again: an array of Mesos {@code Resource} objects, checked exactly as {@link
   * #parse} checks the JSON form.
   *
   * @param resources the array's elements: objects as maps with string keys, arrays as lists,
   *     strings, numbers of any {@link Number} type (read exactly, as their decimal text),
   *     booleans, and {@code null} for JSON {@code null}; never null
   * @param text the JSON text they were read from, which error messages quote; never null
   * @return never null
   * @throws ResourcesFormatException quoting {@code text} and naming the offending resource, as
   *     {@link #parse} does
   * @throws IllegalArgumentException if an element holds something that is no JSON value
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public static AgentResources ofJson(List<?> resources, String text) {
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(text, "text");
    return merged(text, ResourceJson.of(resources, text));
  }

  private static AgentResources merged(String text, List<ResourceEntry> entries) {
    if (entries.isEmpty()) {
      return NONE;
    }
    SortedMap<String, ResourceValue> byName = new TreeMap<>();
    for (ResourceEntry entry : entries) {
      ResourceValue earlier = byName.get(entry.name());
      if (earlier == null) {
        byName.put(entry.name(), entry.value());
      } else if (!earlier.type().equals(entry.value().type())) {
        throw new ResourcesFormatException(
            text,
            entry.label()
                + ": resource '"
                + entry.name()
                + "' is "
                + entry.value().type()
                + " here but "
                + earlier.type()
                + " in an earlier entry");
      } else {
        byName.put(entry.name(), earlier.plus(entry.value()));
      }
    }
    return new AgentResources(byName);
  }

  private static boolean isJson(String text) {
    String trimmed = text.strip();
    if (!trimmed.startsWith("[")) {
      return false;
    }
    String rest = trimmed.substring(1).stripLeading();
    return rest.startsWith("{") || rest.startsWith("]");
  }

  private static PortRanges toPortRanges(ResourceValue.Ranges ranges) {
    PortRanges ports = PortRanges.empty();
    for (ResourceValue.Span span : ranges.spans()) {
      // Both readers have checked that port bounds fit 0..65535.
      ports =
          ports.union(PortRanges.range(span.begin().intValueExact(), span.end().intValueExact()));
    }
    return ports;
  }

  /**
   * {@return the agent's {@code ports} resource, merged over all its entries: empty when there is
   * no {@code ports} resource at all, and a present but empty {@link PortRanges} when one is given
   * with no ranges, as in {@code ports:[]}} Never null.
   */
  public Optional<PortRanges> ports() {
    return Optional.ofNullable(ports);
  }

  /** {@return whether there is no resource at all} */
  public boolean isEmpty() {
    return byName.isEmpty();
  }

  /**
   * The merged resources in the Mesos text form, sorted by name, such as {@code
   * cpus:1;mem:32;ports:[31000-32000]}; roles are not shown, since entries merge across them. Empty
   * text for {@link #none()}. Parsing the result yields an equal instance.
   */
  @Override
  public String toString() {
    return byName.entrySet().stream()
        .map(entry -> entry.getKey() + ":" + entry.getValue())
        .collect(Collectors.joining(";"));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AgentResources that && byName.equals(that.byName);
  }

  @Override
  public int hashCode() {
    return byName.hashCode();
  }
}
