package dev.portcullis.agent.extensions;

import java.lang.reflect.InvocationTargetException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.ServiceConfigurationError;
import java.util.Set;

/** What went wrong, on one line: the failure and its causes, without the wrappers around them. */
final class Failures {

  /** Deep enough for a constructor's exception and what caused it. */
  private static final int MAX_DEPTH = 3;

  private Failures() {}

  /**
   * {@code IllegalStateException: no pattern; caused by IOException: gone}. The wrappers that only
   * carry a cause (from ServiceLoader, reflection and class initialization) are left out: the
   * operator needs what the extension threw. Never null or empty.
   */
  static String describe(Throwable failure) {
    Throwable current = unwrap(failure);
    StringBuilder line = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int depth = 0; current != null && depth < MAX_DEPTH && seen.add(current); depth++) {
      if (depth > 0) {
        line.append("; caused by ");
      }
      String simple = current.getClass().getSimpleName();
      line.append(simple.isEmpty() ? current.getClass().getName() : simple);
      String message = current.getMessage();
      if (message != null && !message.isBlank()) {
        line.append(": ").append(message.strip().replace('\n', ' '));
      }
      current = current.getCause();
    }
    return line.toString();
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while (current.getCause() != null
        && (current instanceof ServiceConfigurationError
            || current instanceof InvocationTargetException
            || current instanceof ExceptionInInitializerError)) {
      current = current.getCause();
    }
    return current;
  }
}
