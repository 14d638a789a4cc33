package dev.portcullis.core.providers;

import dev.portcullis.api.Provider;
import dev.portcullis.api.Stability;
import java.util.List;

/**
 * The provider a {@link ProviderSelector} chose, initialized and available, with what it learned
 * about every other provider it found. Immutable.
 *
 * @param <T> the kind of provider
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class Selection<T extends Provider> {

  private final Class<T> kind;
  private final T provider;
  private final String name;
  private final List<ProviderReport> considered;

  Selection(Class<T> kind, T provider, String name, List<ProviderReport> considered) {
    this.kind = kind;
    this.provider = provider;
    this.name = name;
    this.considered = List.copyOf(considered);
  }

  /** {@return the kind selected, for example {@code SocketSource.class}} Never null. */
  public Class<T> kind() {
    return kind;
  }

  /** {@return the chosen provider: initialized, and found available} Never null. */
  public T provider() {
    return provider;
  }

  /** {@return the chosen provider's name} Never null or blank. */
  public String name() {
    return name;
  }

  /**
   * {@return every provider found, the chosen one included as {@link
   * ProviderReport.Status#SELECTED}: the named ones in preference order, then those that failed to
   * load} Never empty.
   */
  public List<ProviderReport> considered() {
    return considered;
  }

  /** {@code socket source 'netlink' (com.example.NetlinkSource)}. */
  @Override
  public String toString() {
    return Diagnostics.label(kind) + " '" + name + "' (" + provider.getClass().getName() + ")";
  }
}
