package dev.portcullis.core.providers;

import dev.portcullis.api.Stability;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a selection learned about one provider it found: for a diagnostics listing, and for the
 * message of a selection that failed.
 *
 * @param name the provider's name; empty only when it failed to load before it could be named
 * @param className the provider's class name, or, when loading failed before the class was known,
 *     what was being loaded; never blank
 * @param order the provider's {@link dev.portcullis.api.Provider#order() order}; empty only when it
 *     failed to load before it could be asked
 * @param status what became of the provider
 * @param cause why it is {@link Status#UNAVAILABLE unavailable} or {@link Status#FAILED_TO_LOAD
 *     failed to load}; empty for every other status
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record ProviderReport(
    Optional<String> name,
    String className,
    OptionalInt order,
    Status status,
    Optional<Throwable> cause) {

  /**
   * What became of a provider during a selection.
   *
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
  public enum Status {
    /** Available, and chosen. */
    SELECTED("selected"),
    /** Available, but another was chosen or none was to be. */
    AVAILABLE("available"),
    /** Initialized and probed; it cannot work here, for the reported cause. */
    UNAVAILABLE("unavailable"),
    /** Found but neither initialized nor probed, because another was chosen first. */
    NOT_PROBED("not probed"),
    /** Could not be looked up, constructed or named, for the reported cause. */
    FAILED_TO_LOAD("failed to load");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    /** {@return whether a report with this status carries a cause} */
    public boolean hasCause() {
      return this == UNAVAILABLE || this == FAILED_TO_LOAD;
    }

    /** {@code not probed}: lower case, for messages. */
    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * Checks that a cause is given exactly when the status has one, and that only a provider that
   * failed to load may lack a name or order.
   *
   * @param name the provider's name, if known
   * @param className the provider's class name, or what was being loaded
   * @param order the provider's order, if known
   * @param status what became of the provider
   * @param cause why it is unavailable or failed to load
   * @throws IllegalArgumentException if they disagree
   */
  public ProviderReport {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(cause, "cause");
    if (className.isBlank()) {
      throw new IllegalArgumentException("A provider report needs a class name");
    }
    if (status.hasCause() != cause.isPresent()) {
      throw new IllegalArgumentException(
          "A " + status + " provider " + (status.hasCause() ? "needs" : "has no") + " cause");
    }
    if (status != Status.FAILED_TO_LOAD && (name.isEmpty() || order.isEmpty())) {
      throw new IllegalArgumentException("A " + status + " provider has a name and an order");
    }
  }

  /**
   * {@return one line for messages and listings: {@code netlink (com.example.NetlinkSource, order
   * 0): unavailable: IOException: Operation not permitted}} Never null or blank.
   */
  public String summary() {
    StringBuilder line = new StringBuilder();
    if (name.isPresent()) {
      line.append(name.get()).append(" (").append(className);
      order.ifPresent(value -> line.append(", order ").append(value));
      line.append(')');
    } else {
      line.append(className);
    }
    line.append(": ").append(status);
    cause.ifPresent(failure -> line.append(": ").append(Causes.describe(failure)));
    return line.toString();
  }

  /**
   * {@return the cause on one line, as {@link #summary()} tells it} For example {@code IOException:
   * Operation not permitted; caused by ...}. Empty exactly when there is no cause.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public Optional<String> causeSummary() {
    return cause.map(Causes::describe);
  }

  /** The {@link #summary()}. */
  @Override
  public String toString() {
    return summary();
  }
}
