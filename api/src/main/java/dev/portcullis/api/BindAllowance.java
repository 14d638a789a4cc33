package dev.portcullis.api;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which ports a guarded container may bind, per protocol: what a {@link PortGuard} enforces.
 *
 * <p>Each protocol has a {@link Rule} of two sets, because a bind can name its port or let the
 * kernel choose one:
 *
 * <ul>
 *   <li>a {@code bind()} that names port {@code p} (not 0) succeeds only when {@code p} is in
 *       {@link Rule#bindable()};
 *   <li>a {@code bind()} to port 0 succeeds only when the port the kernel picks is in {@link
 *       Rule#bindable()} or {@link Rule#assignable()}.
 * </ul>
 *
 * <p>A protocol the guard should not restrict has {@link Rule#any()}. Immutable; equal when the
 * rules are equal.
 *
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public final class BindAllowance {

  private static final BindAllowance ANY = new BindAllowance(Rule.any(), Rule.any());

  private final Rule tcp;
  private final Rule udp;

  private BindAllowance(Rule tcp, Rule udp) {
    this.tcp = Objects.requireNonNull(tcp, "tcp");
    this.udp = Objects.requireNonNull(udp, "udp");
  }

  /**
   * TCP binds follow {@code tcp}, UDP binds {@code udp}.
   *
   * @param tcp the rule for TCP binds; not null
   * @param udp the rule for UDP binds; not null
   * @return the allowance of both rules
   */
  public static BindAllowance of(Rule tcp, Rule udp) {
    return new BindAllowance(tcp, udp);
  }

  /** {@return the allowance under which every bind is allowed, for both protocols} */
  public static BindAllowance any() {
    return ANY;
  }

  /**
   * {@return the rule for {@code protocol}; never null}
   *
   * @param protocol the protocol whose binds the rule judges
   */
  public Rule rule(Protocol protocol) {
    return protocol == Protocol.TCP ? tcp : udp;
  }

  /** {@return both rules, by protocol, in protocol order; unmodifiable} */
  public Map<Protocol, Rule> rules() {
    EnumMap<Protocol, Rule> rules = new EnumMap<>(Protocol.class);
    rules.put(Protocol.TCP, tcp);
    rules.put(Protocol.UDP, udp);
    return Map.copyOf(rules);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BindAllowance that && tcp.equals(that.tcp) && udp.equals(that.udp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tcp, udp);
  }

  /** For example {@code tcp bindable [31000-31000] assignable [0-30999, 32001-65535], udp any}. */
  @Override
  public String toString() {
    return "tcp " + tcp + ", udp " + udp;
  }

  /**
   * The ports of one protocol a guarded container may bind.
   *
   * @param bindable the ports a {@code bind()} may name; port 0 in it has no meaning, since a bind
   *     to port 0 is judged on the port the kernel picks
   * @param assignable the further ports the kernel may pick for a {@code bind()} to port 0 (a
   *     picked port in {@code bindable} is always allowed); kept without the ports of {@code
   *     bindable}, so that two rules that allow the same binds are equal
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public record Rule(PortRanges bindable, PortRanges assignable) {

    private static final Rule ANY = new Rule(PortRanges.all(), PortRanges.empty());

    /**
     * Checks that neither is null; takes {@code bindable}'s ports out of {@code assignable}.
     *
     * @param bindable the ports a {@code bind()} may name
     * @param assignable the further ports the kernel may pick for a {@code bind()} to port 0
     */
    public Rule {
      Objects.requireNonNull(bindable, "bindable");
      Objects.requireNonNull(assignable, "assignable");
      assignable = assignable.minus(bindable);
    }

    /** {@return every port, named or picked} */
    public static Rule any() {
      return ANY;
    }

    /**
     * {@return whether a {@code bind()} naming {@code port} (1–65535) is allowed}
     *
     * @param port the port the bind names
     */
    public boolean allowsNamed(int port) {
      return bindable.contains(port);
    }

    /**
     * {@return whether the kernel may give {@code port} to a {@code bind()} to port 0}
     *
     * @param port the port the kernel would pick
     */
    public boolean allowsPicked(int port) {
      return bindable.contains(port) || assignable.contains(port);
    }

    /** {@return whether the rule allows every bind} */
    public boolean allowsAll() {
      return bindable.equals(PortRanges.all());
    }

    @Override
    public String toString() {
      return allowsAll() ? "any" : "bindable " + bindable + " assignable " + assignable;
    }
  }
}
