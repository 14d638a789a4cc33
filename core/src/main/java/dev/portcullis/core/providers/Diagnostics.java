package dev.portcullis.core.providers;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The words of a selection: what it logs, and what its failures say. Each names the kind, the
 * providers found with the reason each was not chosen, and what to do about it.
 */
final class Diagnostics {

  private Diagnostics() {}

  /** The kind in words, from its simple name: {@code SocketSource} is {@code socket source}. */
  static String label(Class<?> kind) {
    String simpleName = kind.getSimpleName().isEmpty() ? kind.getName() : kind.getSimpleName();
    StringBuilder words = new StringBuilder();
    for (int i = 0; i < simpleName.length(); i++) {
      char c = simpleName.charAt(i);
      if (i > 0 && Character.isUpperCase(c) && startsWord(simpleName, i)) {
        words.append(' ');
      }
      words.append(c);
    }
    return words.toString().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether the capital at {@code i} starts a word: after a lower case letter, or ends an acronym.
   */
  private static boolean startsWord(String name, int i) {
    boolean afterLower = Character.isLowerCase(name.charAt(i - 1));
    boolean beforeLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
    return afterLower || (beforeLower && Character.isUpperCase(name.charAt(i - 1)));
  }

  static String duplicateName(Class<?> kind, String name, String firstClass, String secondClass) {
    return "Two "
        + label(kind)
        + " providers are named '"
        + name
        + "': "
        + firstClass
        + " and "
        + secondClass
        + ". Provider names must be unique: remove one of them.";
  }

  static String noneFound(Class<?> kind, ProviderLoader loader) {
    return "No "
        + label(kind)
        + " provider was found "
        + loader.where()
        + ". Add a module that provides "
        + kind.getName()
        + " to the module path, or a jar with META-INF/services/"
        + kind.getName()
        + " to the class path.";
  }

  static String noSuchName(
      Class<?> kind, String wanted, List<ProviderReport> found, ProviderLoader loader) {
    if (found.isEmpty()) {
      return "No "
          + label(kind)
          + " named '"
          + wanted
          + "' was found, nor any other. "
          + noneFound(kind, loader);
    }
    List<String> available = availableNames(found);
    return "No "
        + label(kind)
        + " named '"
        + wanted
        + "' was found. "
        + listing(kind, found)
        + (available.isEmpty()
            ? "None is available: add the module that provides '" + wanted + "'."
            : "Name one of the available ones ("
                + String.join(", ", available)
                + "), or add the module that provides '"
                + wanted
                + "'.");
  }

  static String namedUnavailable(Class<?> kind, ProviderReport wanted, List<ProviderReport> found) {
    List<String> available = availableNames(found);
    return "The "
        + label(kind)
        + " '"
        + wanted.name().orElseThrow()
        + "' ("
        + wanted.className()
        + ") "
        + (wanted.status() == ProviderReport.Status.FAILED_TO_LOAD
            ? "failed to load: "
            : "is unavailable: ")
        + wanted.cause().map(Causes::describe).orElse("no cause given")
        + ". "
        + listing(kind, found)
        + (available.isEmpty()
            ? "Fix the cause."
            : "Fix the cause, or name one of the available ones ("
                + String.join(", ", available)
                + ").");
  }

  static String noneAvailable(Class<?> kind, List<ProviderReport> found) {
    return "No "
        + label(kind)
        + " is available. "
        + listing(kind, found)
        + "Fix one of the causes, or add a module that provides a "
        + kind.getName()
        + " that works here.";
  }

  /** What the selection logs when it succeeds: the choice, why, and every other provider found. */
  static String chosen(
      Class<?> kind, ProviderReport selected, List<ProviderReport> others, boolean byName) {
    String reason;
    if (byName) {
      reason = "as named";
    } else if (others.isEmpty()) {
      reason = "the only one found";
    } else {
      reason = "the first available by order (lowest first), then name";
    }
    String choice =
        "Selected "
            + label(kind)
            + " '"
            + selected.name().orElseThrow()
            + "' ("
            + selected.className()
            + ", order "
            + selected.order().orElseThrow()
            + ")";
    return choice
        + ", "
        + reason
        + "."
        + (others.isEmpty()
            ? ""
            : " Also found: "
                + others.stream().map(ProviderReport::summary).collect(Collectors.joining("; "))
                + ".");
  }

  private static String listing(Class<?> kind, List<ProviderReport> found) {
    return "The "
        + label(kind)
        + " providers found are:"
        + found.stream().map(report -> "\n  - " + report.summary()).collect(Collectors.joining())
        + "\n";
  }

  private static List<String> availableNames(List<ProviderReport> found) {
    return found.stream()
        .filter(report -> report.status() == ProviderReport.Status.AVAILABLE)
        .map(report -> report.name().orElseThrow())
        .toList();
  }
}
