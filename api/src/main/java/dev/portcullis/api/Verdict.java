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
@Stability(Stability.Level.STABLE)
public record Verdict(Action action, String message, KillScope scope) {

  /**
   * What a verdict asks for.
   *
   * @since 0.1
   */
  @Stability(Stability.Level.STABLE)
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
   *
   * @param action what to do
   * @param message what to log; may be empty only for {@link Action#IGNORE}
   * @param scope what a kill kills; {@link KillScope#ROOT} for every other action
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

  /**
   * A verdict with the {@link KillScope#ROOT root} scope, as every verdict had before 0.2.
   *
   * @param action what to do
   * @param message what to log; may be empty only for {@link Action#IGNORE}
   */
  public Verdict(Action action, String message) {
    this(action, message, KillScope.ROOT);
  }

  /** {@return the verdict to do nothing and log nothing} */
  public static Verdict ignore() {
    return new Verdict(Action.IGNORE, "");
  }

  /**
   * {@return the verdict to log {@code message} and leave the container running}
   *
   * @param message what to log; not blank
   */
  public static Verdict log(String message) {
    return new Verdict(Action.LOG, message);
  }

  /**
   * {@return the verdict to kill the root's tree, with {@code message} as the limitation's message}
   *
   * @param message what to log and raise; not blank
   */
  public static Verdict kill(String message) {
    return new Verdict(Action.KILL, message);
  }

  /**
   * {@return the verdict to kill the tree of the container {@code scope} names, with {@code
   * message} as the limitation's message}
   *
   * @param message what to log and raise; not blank
   * @param scope the root's tree, or the offending container's alone
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public static Verdict kill(String message, KillScope scope) {
    return new Verdict(Action.KILL, message, scope);
  }
}
