package dev.portcullis.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Names a container, and for a nested container its parent, as Mesos {@code ContainerID} does.
 *
 * <p>Printed and parsed as the chain of values from the root down, joined by {@code .}: the child
 * {@code task} of {@code executor} is {@code executor.task}. A value is non-empty and holds no
 * {@code .}, {@code /}, whitespace or control character, so the printed form is unambiguous and
 * safe as a cgroup directory name.
 *
 * <p>Immutable and thread-safe; equal when values and parents are equal.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class ContainerId {

  private final String value;
  private final ContainerId parent;

  // An id is a map key and a sort key in every scan, thousands of times over: its text and hash are
  // worked out once, when it is made.
  private final String text;
  private final int hash;

  private ContainerId(String value, ContainerId parent) {
    this.value = checkValue(value);
    this.parent = parent;
    this.text = parent == null ? value : parent.text + "." + value;
    // The whole text's hash: 31 times the parent's plus the value's made a child's hash about 32
    // times its parent's when the two values differ in one letter ("c7" and "t7"), and a map of
    // such ids put many of them in one bucket.
    this.hash = text.hashCode();
  }

  /**
   * {@return a top-level container}
   *
   * @param value the container's value, as Mesos gives it
   * @throws IllegalArgumentException if {@code value} is empty or holds a forbidden character
   */
  public static ContainerId of(String value) {
    return new ContainerId(value, null);
  }

  /**
   * Parses the printed form {@code root.child.grandchild}.
   *
   * @param text the dot-separated chain, root first
   * @return the container the text names
   * @throws IllegalArgumentException if the text is empty or a part is invalid
   */
  public static ContainerId parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty() || text.startsWith(".") || text.endsWith(".") || text.contains("..")) {
      throw new IllegalArgumentException(
          "Invalid container id '" + text + "': parts must be non-empty and joined by '.'");
    }
    ContainerId id = null;
    for (String part : text.split("\\.", -1)) {
      id = new ContainerId(part, id);
    }
    return id;
  }

  private static String checkValue(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("Invalid container id '': it is empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '.' || c == '/' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "Invalid container id '"
                + value
                + "': it may not contain '.', '/', whitespace or control characters");
      }
    }
    return value;
  }

  /**
   * {@return a child of this container}
   *
   * @param value the child's own value
   * @throws IllegalArgumentException if {@code value} is empty or holds a forbidden character
   */
  public ContainerId child(String value) {
    return new ContainerId(value, this);
  }

  /** {@return this container's own value, without its parents} */
  public String value() {
    return value;
  }

  /** {@return the parent of a nested container; empty for a top-level one} */
  public Optional<ContainerId> parent() {
    return Optional.ofNullable(parent);
  }

  /** {@return whether this container has a parent} */
  public boolean isNested() {
    return parent != null;
  }

  /** {@return the top-level ancestor; {@code this} when not nested} */
  public ContainerId root() {
    ContainerId id = this;
    while (id.parent != null) {
      id = id.parent;
    }
    return id;
  }

  /** {@return how many ancestors this container has: 0 for a root} */
  public int depth() {
    int depth = 0;
    for (ContainerId id = parent; id != null; id = id.parent) {
      depth++;
    }
    return depth;
  }

  /** {@return the chain from the root down to this container, root first} */
  public List<ContainerId> lineage() {
    List<ContainerId> chain = new ArrayList<>();
    for (ContainerId id = this; id != null; id = id.parent) {
      chain.add(id);
    }
    Collections.reverse(chain);
    return Collections.unmodifiableList(chain);
  }

  /**
   * {@return whether {@code this} is {@code other} or one of its ancestors}
   *
   * @param other the container that may descend from this one
   */
  public boolean isAncestorOrSelfOf(ContainerId other) {
    for (ContainerId id = other; id != null; id = id.parent) {
      if (id.equals(this)) {
        return true;
      }
    }
    return false;
  }

  /** {@code root.child}: every value from the root down, joined by {@code .}. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other == this
        || (other instanceof ContainerId that && hash == that.hash && text.equals(that.text));
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
