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

  /** {@return a view of only the violations among the events in this one} */
  public IsolatorEvents violations() {
    return ofKind(Kind.VIOLATION);
  }

  /** {@return a view of only the logged violations among the events in this one} */
  public IsolatorEvents logs() {
    return ofKind(Kind.LOG);
  }

  /** {@return a view of only the limitations raised on roots among the events in this one} */
  public IsolatorEvents limitations() {
    return ofKind(Kind.LIMITATION);
  }

  /**
   * {@return a view of only the kills made through the process tracker among the events in this
   * one}
   */
  public IsolatorEvents kills() {
    return ofKind(Kind.KILL);
  }

  /**
   * {@return a view of only the events of one kind among the events in this one}
   *
   * @param kind the kind kept
   */
  public IsolatorEvents ofKind(Kind kind) {
    return filter(e -> e.kind() == kind, kind.name().toLowerCase(java.util.Locale.ROOT) + "s");
  }

  /**
   * {@return a view of only the events about one container among the events in this one}
   *
   * @param container the container kept, exactly: events of the containers nested in it are left
   *     out
   */
  public IsolatorEvents of(ContainerId container) {
    return filter(e -> e.container().equals(container), "of " + container);
  }

  /**
   * {@return a view of only the events of one scan among the events in this one}
   *
   * @param scan the scan kept, counting from 1
   */
  public IsolatorEvents inScan(long scan) {
    return filter(e -> e.scan() == scan, "in scan " + scan);
  }

  /** {@return the events in view, in the order they happened; an unmodifiable list} */
  public List<IsolatorEvent> list() {
    return events;
  }

  /** {@return how many events are in view} */
  public int count() {
    return events.size();
  }

  /** {@return whether no event is in view} */
  public boolean isEmpty() {
    return events.isEmpty();
  }

  /** {@return the distinct containers of the events in view, in the order they first appear} */
  public Set<ContainerId> containers() {
    return events.stream()
        .map(IsolatorEvent::container)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  /** {@return the union of the ports of the events in view; empty when none is in view} */
  public PortRanges ports() {
    PortRanges all = PortRanges.empty();
    for (IsolatorEvent event : events) {
      all = all.union(event.ports());
    }
    return all;
  }

  /**
   * Asserts exactly {@code expected} events are in view.
   *
   * @param expected how many events must be in view
   * @return this view, for chaining
   * @throws AssertionError if another number is in view; its message lists the events in view
   */
  public IsolatorEvents assertCount(int expected) {
    if (events.size() != expected) {
      throw failure("expected " + expected + " event(s) but found " + events.size());
    }
    return this;
  }

  /**
   * Asserts that no event is in view.
   *
   * @return this view, for chaining
   * @throws AssertionError if some event is in view; its message lists them
   */
  public IsolatorEvents assertNone() {
    return assertCount(0);
  }

  /**
   * Asserts that the union of the ports in view is exactly {@code expected}.
   *
   * @param expected the ports the events in view must concern, together
   * @return this view, for chaining
   * @throws AssertionError if the union differs; its message lists the events in view
   */
  public IsolatorEvents assertPorts(PortRanges expected) {
    if (!ports().equals(expected)) {
      throw failure("expected ports " + expected + " but found " + ports());
    }
    return this;
  }

  /**
   * Asserts that the events in view concern exactly these containers.
   *
   * @param expected the containers the events in view must concern, every one and no other
   * @return this view, for chaining
   * @throws AssertionError if the containers differ; its message lists the events in view
   */
  public IsolatorEvents assertContainers(Set<ContainerId> expected) {
    if (!containers().equals(expected)) {
      throw failure("expected containers " + expected + " but found " + containers());
    }
    return this;
  }

  /**
   * Asserts that every event in view has exactly this message; with no event in view it holds.
   *
   * @param expected the message every event in view must carry
   * @return this view, for chaining
   * @throws AssertionError if an event carries another message; the failure's message lists the
   *     events in view
   */
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
