package dev.portcullis.api;

import java.util.Objects;

/**
 * An {@link EnforcementPolicy}'s decision on one violation.
 *
 * @param action what to do
 * @param message what to log, and for a kill the limitation's message; empty only for {@link
 *     Action#IGNORE}
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record Verdict(Action action, String message) {

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
    /** Log the message, kill the root container's tree and raise the limitation on the root. */
    KILL
  }

  /**
   * Checks that every action but {@link Action#IGNORE} carries a message.
   *
   * @param action what to do
   * @param message what to log; may be empty only for {@link Action#IGNORE}
   */
  public Verdict {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(message, "message");
    if (action != Action.IGNORE && message.isBlank()) {
      throw new IllegalArgumentException("A " + action + " verdict needs a message");
    }
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
   * {@return the verdict to kill the tree, with {@code message} as the limitation's message}
   *
   * @param message what to log and raise; not blank
   */
  public static Verdict kill(String message) {
    return new Verdict(Action.KILL, message);
  }
}
