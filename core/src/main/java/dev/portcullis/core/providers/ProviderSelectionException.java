package dev.portcullis.core.providers;

import dev.portcullis.api.Provider;
import dev.portcullis.api.Stability;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * No provider of a kind can be used: the named one is missing or unavailable, none is available,
 * none was found, or two share a name.
 *
 * <p>The message names the kind and lists every provider found with the reason it was not chosen;
 * {@link #considered()} holds the same reports for a program to read. When a flag named the
 * provider, the message starts as a flag error does, {@code Invalid flag --<flag>=<value>: }, and
 * {@link #flag()} names it, so that an operator sees which setting to fix.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class ProviderSelectionException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** The kind of provider that could not be selected. */
  private final Class<? extends Provider> kind;

  /** The flag whose value named the provider, or null when no flag named it. */
  private final String flag;

  /** Transient because causes need not be serializable; empty after deserialization. */
  private final transient List<ProviderReport> considered;

  ProviderSelectionException(
      Class<? extends Provider> kind,
      String message,
      List<ProviderReport> considered,
      Throwable cause) {
    this(kind, null, message, considered, cause);
  }

  private ProviderSelectionException(
      Class<? extends Provider> kind,
      String flag,
      String message,
      List<ProviderReport> considered,
      Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.flag = flag;
    this.considered = List.copyOf(considered);
  }

  /**
   * This failure, told as the flag whose value named the provider: the same kind, reports, cause,
   * suppressed causes and stack, the message prefixed with {@code Invalid flag --<flag>=<value>: }.
   */
  ProviderSelectionException namedBy(String flag, String value) {
    ProviderSelectionException named =
        new ProviderSelectionException(
            kind,
            flag,
            "Invalid flag --" + flag + "=" + value + ": " + getMessage(),
            considered(),
            getCause());
    named.setStackTrace(getStackTrace());
    for (Throwable suppressed : getSuppressed()) {
      named.addSuppressed(suppressed);
    }
    return named;
  }

  /**
   * {@return the kind of provider that could not be selected, for example {@code
   * SocketSource.class}} Never null.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public Class<? extends Provider> kind() {
    return kind;
  }

  /**
   * {@return the flag, without {@code --}, whose value named the provider that could not be
   * selected, such as {@code socket_source}; empty when no flag named it (a system property did, or
   * none was named and none of the kind could be used)}
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public Optional<String> flag() {
    return Optional.ofNullable(flag);
  }

  /**
   * {@return every provider found, with its status and cause: potentially empty, when none was
   * found at all} Never null.
   */
  public List<ProviderReport> considered() {
    return considered == null ? List.of() : considered;
  }
}
