package dev.portcullis.core.config;

import java.util.Optional;

/** The rules for resource and role names, shared by the text and JSON forms. */
final class ResourceNames {

  /** The one resource the isolator reads. */
  static final String PORTS = "ports";

  private static final String FORBIDDEN_IN_NAME = "()[]{}:;,\"'\\";

  private ResourceNames() {}

  /** What is wrong with a resource name, or empty if it is fine. */
  static Optional<String> nameProblem(String name) {
    if (name.isBlank()) {
      return Optional.of("the resource name is blank");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c)
          || Character.isISOControl(c)
          || FORBIDDEN_IN_NAME.indexOf(c) >= 0) {
        return Optional.of(
            "resource name '"
                + name
                + "' must not contain whitespace or any of "
                + FORBIDDEN_IN_NAME);
      }
    }
    return Optional.empty();
  }

  /**
   * What is wrong with a role name, or empty if it is fine. Follows Mesos: {@code *} alone, or
   * {@code /}-separated segments, none empty, {@code .} or {@code ..}, none starting with {@code
   * -}, and no whitespace, backslash or {@code *} inside.
   */
  static Optional<String> roleProblem(String role) {
    if (role.equals("*")) {
      return Optional.empty();
    }
    if (role.isEmpty()) {
      return Optional.of("the role in '()' is empty; write (*) for the default role or omit it");
    }
    for (int i = 0; i < role.length(); i++) {
      char c = role.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || "\\*(),".indexOf(c) >= 0) {
        return Optional.of(
            "role '"
                + role
                + "' must not contain whitespace, '\\', '(', ')', ',' or '*'"
                + " (only the role * itself is allowed); Portcullis accepts only name(role)");
      }
    }
    for (String segment : role.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return Optional.of(
            "role '" + role + "' has an empty, '.' or '..' part between '/' separators");
      }
      if (segment.startsWith("-")) {
        return Optional.of("role '" + role + "' has a part that starts with '-'");
      }
    }
    return Optional.empty();
  }
}
