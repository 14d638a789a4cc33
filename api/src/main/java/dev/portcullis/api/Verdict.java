package dev.portcullis.api;

import java.util.Objects;

/**
 * An {@link EnforcementPolicy}'s decision on one violation.
 *
 * @param action what to do
 * @param message what to log, and for a kill the limitation's message; empty only for {@link
 *     Action#IGNORE}
 * @param scope for a kill, what is killed and limited; {@link KillScope#ROOT} for every other
 *     action (since 0.2)
 * @since 0.1
 */
public record Verdict(Action action, String message, KillScope scope) {

  /** What a verdict asks for. */
  public enum Action {
    /** Do nothing and log nothing. */
    IGNORE,
    /** Log the message; leave the container running. */
    LOG,
    /**
     * Log the message, kill the tree of the root container, or of the offending container alone
     * (the verdict's {@link KillScope scope}), and raise the limitation on the container killed.
     */
    KILL
  }

  /**
   * Checks that every action but {@link Action#IGNORE} carries a message, and that only a kill has
   * a scope other than the root.
   */
  public Verdict {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(scope, "scope");
    if (action != Action.IGNORE && message.isBlank()) {
      throw new IllegalArgumentException("A " + action + " verdict needs a message");
    }
    if (action != Action.KILL && scope != KillScope.ROOT) {
      throw new IllegalArgumentException("Only a kill verdict has a scope, not a " + action);
    }
  }

  /** A verdict with the {@link KillScope#ROOT root} scope, as every verdict had before 0.2. */
  public Verdict(Action action, String message) {
    this(action, message, KillScope.ROOT);
  }

  /** Do nothing. */
  public static Verdict ignore() {
    return new Verdict(Action.IGNORE, "");
  }

  /** Log {@code message}. */
  public static Verdict log(String message) {
    return new Verdict(Action.LOG, message);
  }

  /** Kill the root's tree with {@code message} as the limitation's message. */
  public static Verdict kill(String message) {
    return new Verdict(Action.KILL, message);
  }

  /**
   * Kill the tree of {@code scope}'s container with {@code message} as the limitation's message.
   *
   * @since 0.2
   */
  public static Verdict kill(String message, KillScope scope) {
    return new Verdict(Action.KILL, message, scope);
  }
}
