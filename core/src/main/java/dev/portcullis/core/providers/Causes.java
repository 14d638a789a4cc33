package dev.portcullis.core.providers;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * How provider failures are caught and told: one line per cause chain, fatal errors let through.
 */
final class Causes {

  /** Deep enough for a ServiceConfigurationError wrapping the constructor's own exception. */
  private static final int MAX_DEPTH = 4;

  private Causes() {}

  /**
   * Rethrows errors the JVM may not survive, such as {@link OutOfMemoryError}: a broken provider
   * may be skipped, a broken JVM may not be ignored.
   */
  static void rethrowIfFatal(Throwable failure) {
    if (failure instanceof VirtualMachineError fatal) {
      throw fatal;
    }
  }

  /**
   * The cause and what caused it, on one line: {@code IOException: Permission denied; caused by
   * ...}. Never null or empty.
   */
  static String describe(Throwable failure) {
    StringBuilder line = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable current = failure;
    for (int depth = 0; current != null && depth < MAX_DEPTH && seen.add(current); depth++) {
      if (depth > 0) {
        line.append("; caused by ");
      }
      line.append(typeName(current));
      String message = current.getMessage();
      if (message != null && !message.isBlank()) {
        line.append(": ").append(message.strip());
      }
      current = current.getCause();
    }
    return line.toString();
  }

  private static String typeName(Throwable failure) {
    String simple = failure.getClass().getSimpleName();
    return simple.isEmpty() ? failure.getClass().getName() : simple;
  }
}
