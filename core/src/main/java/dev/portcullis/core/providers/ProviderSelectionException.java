package dev.portcullis.core.providers;

import java.util.List;

/**
 * No provider of a kind can be used: the named one is missing or unavailable, none is available,
 * none was found, or two share a name.
 *
 * <p>The message names the kind and lists every provider found with the reason it was not chosen;
 * {@link #considered()} holds the same reports for a program to read.
 *
 * @since 0.1
 */
public final class ProviderSelectionException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** Transient because causes need not be serializable; empty after deserialization. */
  private final transient List<ProviderReport> considered;

  ProviderSelectionException(String message, List<ProviderReport> considered, Throwable cause) {
    super(message, cause);
    this.considered = List.copyOf(considered);
  }

  /**
   * Every provider found, with its status and cause: potentially empty, when none was found at all.
   * Never null.
   */
  public List<ProviderReport> considered() {
    return considered == null ? List.of() : considered;
  }
}
