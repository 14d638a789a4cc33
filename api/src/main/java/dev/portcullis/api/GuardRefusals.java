package dev.portcullis.api;

import java.util.Objects;

/**
 * What a {@link PortGuard} refused in a container since the guard was installed: counters that only
 * grow while the guard stays in place.
 *
 * @param binds how many {@code bind()} calls were refused
 * @param listeners how many processes were stopped for calling {@code listen()} on a port the
 *     kernel picked outside the allowance (a socket that was never bound); 0 when the guard cannot
 *     see such calls
 * @param ports every port refused, to a bind or a listener, as far as the guard records them;
 *     potentially empty, never null
 * @param listenerPorts the ports of the stopped listeners, a part of {@code ports}; potentially
 *     empty, never null
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record GuardRefusals(
    long binds, long listeners, PortRanges ports, PortRanges listenerPorts) {

  private static final GuardRefusals NONE =
      new GuardRefusals(0, 0, PortRanges.empty(), PortRanges.empty());

  /**
   * Checks that the counts are not negative and the ports not null; adds listener ports to all.
   *
   * @param binds how many {@code bind()} calls were refused
   * @param listeners how many processes were stopped for listening on a port the kernel picked
   * @param ports every port refused; not null
   * @param listenerPorts the ports of the stopped listeners; not null
   */
  public GuardRefusals {
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(listenerPorts, "listenerPorts");
    if (binds < 0 || listeners < 0) {
      throw new IllegalArgumentException("Refusal counts cannot be negative");
    }
    ports = ports.union(listenerPorts);
  }

  /**
   * Refusals with no listener stopped.
   *
   * @param binds how many {@code bind()} calls were refused
   * @param ports the ports refused to those binds; not null
   */
  public GuardRefusals(long binds, PortRanges ports) {
    this(binds, 0, ports, PortRanges.empty());
  }

  /** {@return the refusals of a guard that has refused nothing} */
  public static GuardRefusals none() {
    return NONE;
  }

  /** {@return the total of refused binds and stopped listeners} */
  public long total() {
    return binds + listeners;
  }
}
