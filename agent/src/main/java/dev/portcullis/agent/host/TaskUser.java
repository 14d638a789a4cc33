package dev.portcullis.agent.host;

import java.util.Objects;
import java.util.Optional;

/**
 * The user a task runs as: an entry of the host's passwd database, resolved once, when the task is
 * asked for, by {@link TaskUsers#resolve}. The task gets this uid, this primary gid and the user's
 * supplementary groups.
 *
 * @param name the user's name, as the passwd database spells it
 * @param uid the user's id
 * @param gid the user's primary group id
 */
public record TaskUser(String name, long uid, long gid) {

  /** {@code (uid_t) -1} means "no change" to the kernel and is never an id. */
  static final long MAX_ID = 0xFFFF_FFFEL;

  /** Longer names are a mistake: Linux's {@code LOGIN_NAME_MAX} is 256 with the NUL. */
  static final int MAX_NAME_LENGTH = 255;

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if the name is not one {@link #problemWithName} accepts, or an
   *     id is out of range
   */
  public TaskUser {
    Objects.requireNonNull(name, "name");
    Optional<String> problem = problemWithName(name);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    if (uid < 0 || uid > MAX_ID || gid < 0 || gid > MAX_ID) {
      throw new IllegalArgumentException(
          "user " + name + ": uid " + uid + " and gid " + gid + " must be 0 to " + MAX_ID);
    }
  }

  /**
   * What is wrong with a user name as given, if anything. A name is 1 to {@value #MAX_NAME_LENGTH}
   * characters, without whitespace, control characters or {@code ':'} (the passwd database's
   * separator), and starts with neither {@code '-'} (it would read as an option to the tools that
   * look it up) nor {@code '+'} (a number with a sign would read as a uid).
   */
  public static Optional<String> problemWithName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return Optional.of("a user name holds 1 to " + MAX_NAME_LENGTH + " characters");
    }
    if (name.startsWith("-") || name.startsWith("+")) {
      return Optional.of("a user name may not start with '-' or '+'");
    }
    boolean bad =
        name.codePoints()
            .anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c) || c == ':');
    if (bad) {
      // The name is not quoted back: a control character in it would garble a one-line message.
      return Optional.of("a user name may not contain whitespace, control characters or ':'");
    }
    return Optional.empty();
  }

  /** Whether a user is given as a uid: digits only. */
  static boolean isNumeric(String name) {
    return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** For logs: {@code nobody (uid 65534, gid 65534)}. */
  public String describe() {
    return name + " (uid " + uid + ", gid " + gid + ")";
  }
}
