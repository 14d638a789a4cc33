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
public record Verdict(Action action, String message) {

  /** What a verdict asks for. */
  public enum Action {
    /** Do nothing and log nothing. */
    IGNORE,
    /** Log the message; leave the container running. */
    LOG,
    /** Log the message, kill the root container's tree and raise the limitation on the root. */
    KILL
  }

  /** Checks that every action but {@link Action#IGNORE} carries a message. */
  public Verdict {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(message, "message");
    if (action != Action.IGNORE && message.isBlank()) {
      throw new IllegalArgumentException("A " + action + " verdict needs a message");
    }
  }

  /** Do nothing. */
  public static Verdict ignore() {
    return new Verdict(Action.IGNORE, "");
  }

  /** Log {@code message}. */
  public static Verdict log(String message) {
    return new Verdict(Action.LOG, message);
  }

  /** Kill the tree with {@code message} as the limitation's message. */
  public static Verdict kill(String message) {
    return new Verdict(Action.KILL, message);
  }
}
