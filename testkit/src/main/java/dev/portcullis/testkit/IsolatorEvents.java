package dev.portcullis.testkit;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.testkit.IsolatorEvent.Kind;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A filtered, immutable view of recorded {@link IsolatorEvent}s with fluent assertions, in the
 * manner of JUnit's engine testkit. Assertion failures list the events in view.
 *
 * <pre>{@code
 * harness.events().limitations().of(root).assertCount(1).assertPorts(PortRanges.of(8080));
 * harness.events().kills().assertNone();
 * }</pre>
 *
 * @since 0.1
 */
public final class IsolatorEvents {

  private final List<IsolatorEvent> events;
  private final String description;

  IsolatorEvents(List<IsolatorEvent> events, String description) {
    this.events = List.copyOf(events);
    this.description = description;
  }

  private IsolatorEvents filter(Predicate<IsolatorEvent> predicate, String what) {
    return new IsolatorEvents(
        events.stream().filter(predicate).collect(Collectors.toList()), description + " " + what);
  }

  /** Only violations. */
  public IsolatorEvents violations() {
    return ofKind(Kind.VIOLATION);
  }

  /** Only logged violations. */
  public IsolatorEvents logs() {
    return ofKind(Kind.LOG);
  }

  /** Only limitations raised on roots. */
  public IsolatorEvents limitations() {
    return ofKind(Kind.LIMITATION);
  }

  /** Only kills made through the process tracker. */
  public IsolatorEvents kills() {
    return ofKind(Kind.KILL);
  }

  /** Only events of one kind. */
  public IsolatorEvents ofKind(Kind kind) {
    return filter(e -> e.kind() == kind, kind.name().toLowerCase(java.util.Locale.ROOT) + "s");
  }

  /** Only events about one container. */
  public IsolatorEvents of(ContainerId container) {
    return filter(e -> e.container().equals(container), "of " + container);
  }

  /** Only events of one scan. */
  public IsolatorEvents inScan(long scan) {
    return filter(e -> e.scan() == scan, "in scan " + scan);
  }

  /** The events in view, in the order they happened. */
  public List<IsolatorEvent> list() {
    return events;
  }

  /** How many events are in view. */
  public int count() {
    return events.size();
  }

  /** Whether no event is in view. */
  public boolean isEmpty() {
    return events.isEmpty();
  }

  /** The distinct containers of the events in view. */
  public Set<ContainerId> containers() {
    return events.stream()
        .map(IsolatorEvent::container)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  /** The union of the ports of the events in view. */
  public PortRanges ports() {
    PortRanges all = PortRanges.empty();
    for (IsolatorEvent event : events) {
      all = all.union(event.ports());
    }
    return all;
  }

  /** Asserts exactly {@code expected} events are in view. */
  public IsolatorEvents assertCount(int expected) {
    if (events.size() != expected) {
      throw failure("expected " + expected + " event(s) but found " + events.size());
    }
    return this;
  }

  /** Asserts that no event is in view. */
  public IsolatorEvents assertNone() {
    return assertCount(0);
  }

  /** Asserts that the union of the ports in view is exactly {@code expected}. */
  public IsolatorEvents assertPorts(PortRanges expected) {
    if (!ports().equals(expected)) {
      throw failure("expected ports " + expected + " but found " + ports());
    }
    return this;
  }

  /** Asserts that the events in view concern exactly these containers. */
  public IsolatorEvents assertContainers(Set<ContainerId> expected) {
    if (!containers().equals(expected)) {
      throw failure("expected containers " + expected + " but found " + containers());
    }
    return this;
  }

  /** Asserts that every event in view has exactly this message. */
  public IsolatorEvents assertMessage(String expected) {
    for (IsolatorEvent event : events) {
      if (!event.message().equals(expected)) {
        throw failure(
            "expected message \"" + expected + "\" but found \"" + event.message() + "\"");
      }
    }
    return this;
  }

  private AssertionError failure(String problem) {
    StringBuilder text = new StringBuilder(description).append(": ").append(problem);
    text.append("\nEvents in view:");
    if (events.isEmpty()) {
      text.append(" none");
    }
    events.forEach(e -> text.append("\n  ").append(e));
    return new AssertionError(text.toString());
  }

  @Override
  public String toString() {
    return description + " " + events;
  }
}
