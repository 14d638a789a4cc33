package dev.portcullis.core.config;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.Stability;
import dev.portcullis.core.format.Durations;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the ports isolator runs: the Mesos agent flags it reads, plus Portcullis's own.
 *
 * <p>Build one from flags with {@link #fromFlags(Map)}, or in code with {@link #builder()}. Both
 * take one path: a flag's text is read by that flag's one parser into the value its typed builder
 * method takes, and {@link IsolatorConfigBuilder#build()} checks every value the same way however
 * it was given, failing with a {@link FlagException} that names the flag. The flags, their defaults
 * and their meaning:
 *
 * <table>
 *   <caption>Flags</caption>
 *   <tr><th>flag</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #LAUNCHER}</td><td>{@value #LINUX_LAUNCHER}</td>
 *       <td>must be {@code linux}: cgroups are how a task's processes are found</td></tr>
 *   <tr><td>{@value #ENFORCE_CONTAINER_PORTS}</td><td>{@code false}</td>
 *       <td>kill a violating container rather than only log it</td></tr>
 *   <tr><td>{@value #CONTAINER_PORTS_WATCH_INTERVAL}</td><td>{@value #DEFAULT_WATCH_INTERVAL_TEXT}
 *       </td><td>the delay between scans, a positive Mesos duration</td></tr>
 *   <tr><td>{@value #CHECK_AGENT_PORT_RANGE_ONLY}</td><td>{@code false}</td>
 *       <td>check only ports in the agent's {@code ports} resource</td></tr>
 *   <tr><td>{@value #CONTAINER_PORTS_ISOLATED_RANGE}</td><td>none</td>
 *       <td>check only ports in this range list</td></tr>
 *   <tr><td>{@value #RESOURCES}</td><td>none</td>
 *       <td>the agent's resources, text or JSON, as Mesos reads them</td></tr>
 *   <tr><td>{@value #CONTAINER_PORTS_INCLUDE_UDP}</td><td>{@code false}</td>
 *       <td>check bound UDP sockets as well as listening TCP ones</td></tr>
 *   <tr><td>{@value #SOCKET_SOURCE}, {@value #PROCESS_TRACKER},
 *       {@value #CONTAINER_PORTS_POLICY}</td><td>automatic</td>
 *       <td>the provider to use by name; when absent, the system property {@code portcullis.}
 *       followed by the flag name, else the best available provider</td></tr>
 *   <tr><td>{@value #CONTAINER_PORTS_FULL_SCAN_EVERY}</td><td>{@value #DEFAULT_FULL_SCAN_EVERY}
 *       </td><td>when scans attribute sockets by cgroup id, every N-th scan is a full exact
 *       one</td></tr>
 *   <tr><td>{@value #CONTAINER_PORTS_GUARD}</td><td>{@value #NO_GUARD}</td>
 *       <td>the port guard that refuses unallocated binds in the kernel, by provider name;
 *       {@value #NO_GUARD} for none (Mesos behaviour)</td></tr>
 *   <tr><td>{@value #CONTAINER_PORTS_GUARD_MODE}</td><td>{@value #DEFAULT_GUARD_MODE_TEXT}</td>
 *       <td>which binds the guard refuses: see {@link GuardMode}</td></tr>
 * </table>
 *
 * <p>Booleans are {@code true} or {@code false} in any case. Setting both {@value
 * #CHECK_AGENT_PORT_RANGE_ONLY} and {@value #CONTAINER_PORTS_ISOLATED_RANGE} is an error, as in
 * Mesos. Other flags are not read here but kept for the providers ({@link #providerSettings()}).
 *
 * <p>Immutable and thread-safe. Accessors never return null.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class IsolatorConfig {

  /** Flag {@code launcher}: must be {@value #LINUX_LAUNCHER}. */
  public static final String LAUNCHER = "launcher";

  /** Flag {@code enforce_container_ports}: kill violating containers. */
  public static final String ENFORCE_CONTAINER_PORTS = "enforce_container_ports";

  /** Flag {@code container_ports_watch_interval}: the delay between scans. */
  public static final String CONTAINER_PORTS_WATCH_INTERVAL = "container_ports_watch_interval";

  /** Flag {@code check_agent_port_range_only}: check only the agent's own ports. */
  public static final String CHECK_AGENT_PORT_RANGE_ONLY = "check_agent_port_range_only";

  /** Flag {@code container_ports_isolated_range}: check only these ports. */
  public static final String CONTAINER_PORTS_ISOLATED_RANGE = "container_ports_isolated_range";

  /** Flag {@code resources}: the agent's resources. */
  public static final String RESOURCES = "resources";

  /** Flag {@code container_ports_include_udp}: check UDP as well as TCP. */
  public static final String CONTAINER_PORTS_INCLUDE_UDP = "container_ports_include_udp";

  /** Flag {@code socket_source}: the socket source provider's name. */
  public static final String SOCKET_SOURCE = "socket_source";

  /** Flag {@code process_tracker}: the process tracker provider's name. */
  public static final String PROCESS_TRACKER = "process_tracker";

  /** Flag {@code container_ports_policy}: the enforcement policy provider's name. */
  public static final String CONTAINER_PORTS_POLICY = "container_ports_policy";

  /** Flag {@code container_ports_full_scan_every}: how often a scan is a full exact one. */
  public static final String CONTAINER_PORTS_FULL_SCAN_EVERY = "container_ports_full_scan_every";

  /**
   * Flag {@code container_ports_guard}: the port guard provider's name, or {@value #NO_GUARD}.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public static final String CONTAINER_PORTS_GUARD = "container_ports_guard";

  /**
   * Flag {@code container_ports_guard_mode}: which binds the guard refuses.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public static final String CONTAINER_PORTS_GUARD_MODE = "container_ports_guard_mode";

  /**
   * The value of {@value #CONTAINER_PORTS_GUARD} that installs no guard: the default.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public static final String NO_GUARD = "none";

  /**
   * Prefix of the system properties that name providers when their flag is absent: {@code
   * portcullis.socket_source}, {@code portcullis.process_tracker}, {@code
   * portcullis.container_ports_policy}, {@code portcullis.container_ports_guard}.
   */
  public static final String SYSTEM_PROPERTY_PREFIX = "portcullis.";

  /** The only launcher the isolator works with, and the default of {@value #LAUNCHER}. */
  public static final String LINUX_LAUNCHER = "linux";

  /** The default of {@value #CONTAINER_PORTS_WATCH_INTERVAL} as its flag is written. */
  public static final String DEFAULT_WATCH_INTERVAL_TEXT = "30secs";

  /** The default delay between scans, as in Mesos: {@value #DEFAULT_WATCH_INTERVAL_TEXT}. */
  public static final Duration DEFAULT_WATCH_INTERVAL =
      Durations.parse(DEFAULT_WATCH_INTERVAL_TEXT);

  /** The ports checked in range-only mode when the agent's resources have no ports, as in Mesos. */
  public static final PortRanges DEFAULT_AGENT_PORTS = PortRanges.range(31000, 32000);

  /** The default number of scans per full exact scan. */
  public static final int DEFAULT_FULL_SCAN_EVERY = 10;

  /**
   * The default of {@value #CONTAINER_PORTS_GUARD_MODE} as its flag is written.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public static final String DEFAULT_GUARD_MODE_TEXT = "scope";

  /**
   * The default guard mode: {@value #DEFAULT_GUARD_MODE_TEXT}.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public static final GuardMode DEFAULT_GUARD_MODE =
      GuardMode.parse(DEFAULT_GUARD_MODE_TEXT).orElseThrow();

  private final ConfigValues values;
  private final ProviderSettings providerSettings;
  private final Optional<PortRanges> scope;

  IsolatorConfig(ConfigValues values) {
    this.values = values;
    this.providerSettings = ProviderSettings.of(values.flags());
    this.scope = values.scope();
  }

  /**
   * The configuration the given flags describe, every other setting at its default.
   *
   * <p>Flags this class does not know are not an error: they are kept, with the known ones, in
   * {@link #providerSettings()}, because providers read settings of their own (such as {@code
   * cgroups_root}).
   *
   * @param flags flag names without {@code --} to their values as given; never null, no null keys
   *     or values
   * @return never null
   * @throws FlagException naming the first bad flag (in name order) or the conflicting flags
   */
  public static IsolatorConfig fromFlags(Map<String, String> flags) {
    return builder().flags(flags).build();
  }

  /** {@return a builder with every setting at its default; never null} */
  public static IsolatorConfigBuilder builder() {
    return new IsolatorConfigBuilder();
  }

  /** {@return the agent's launcher; always {@value #LINUX_LAUNCHER}} */
  public String launcher() {
    return values.launcher();
  }

  /** {@return whether violating containers are killed; when false, violations are only logged} */
  public boolean enforceContainerPorts() {
    return values.enforceContainerPorts();
  }

  /** {@return the delay between the end of one scan and the start of the next; always positive} */
  public Duration watchInterval() {
    return values.watchInterval();
  }

  /** {@return whether only the agent's own {@code ports} resource is checked} */
  public boolean checkAgentPortRangeOnly() {
    return values.checkAgentPortRangeOnly();
  }

  /** {@return the range given by {@value #CONTAINER_PORTS_ISOLATED_RANGE}; empty when not given} */
  public Optional<PortRanges> isolatedRange() {
    return values.isolatedRange();
  }

  /** {@return the agent's resources; {@link AgentResources#none()} when not given} */
  public AgentResources resources() {
    return values.resources();
  }

  /** {@return whether bound UDP sockets are checked as well as listening TCP ones} */
  public boolean includeUdp() {
    return values.includeUdp();
  }

  /**
   * {@return the socket source to use, by provider name, from the flag or else the system property;
   * empty to choose the best available one} Never blank.
   */
  public Optional<String> socketSourceName() {
    return values.socketSourceName();
  }

  /**
   * {@return the process tracker to use, by provider name, from the flag or else the system
   * property; empty to choose the best available one} Never blank.
   */
  public Optional<String> processTrackerName() {
    return values.processTrackerName();
  }

  /**
   * {@return the enforcement policy to use, by provider name, from the flag or else the system
   * property; empty to choose the best available one} Never blank.
   */
  public Optional<String> policyName() {
    return values.policyName();
  }

  /**
   * {@return how many scans make one cycle when sockets are attributed by cgroup id: every N-th
   * scan is a full exact scan instead} At least 1; 1 means every scan is exact.
   */
  public int fullScanEvery() {
    return values.fullScanEvery();
  }

  /**
   * {@return the port guard to use, by provider name, from the flag or else the system property;
   * empty when no guard is installed ({@value #NO_GUARD}, the default)} Never blank.
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public Optional<String> guardName() {
    return values.guardName();
  }

  /**
   * {@return which binds the guard refuses; meaningful only with a {@link #guardName() guard}}
   *
   * @since 0.2
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  public GuardMode guardMode() {
    return values.guardMode();
  }

  /**
   * {@return the ports that are checked at all} Present when checking is limited: the isolated
   * range when given; otherwise, in range-only mode, the agent's {@code ports} resource — {@link
   * #DEFAULT_AGENT_PORTS} when the agent has no ports resource, and the empty set (nothing is
   * checked) when it has an explicitly empty one. Empty when every port is checked.
   */
  public Optional<PortRanges> scope() {
    return scope;
  }

  /**
   * {@return the protocols whose sockets are checked: TCP, and UDP too when enabled; never empty}
   */
  public Set<Protocol> protocols() {
    return Collections.unmodifiableSet(
        includeUdp() ? EnumSet.of(Protocol.TCP, Protocol.UDP) : EnumSet.of(Protocol.TCP));
  }

  /**
   * {@return every flag given by name, through {@link #fromFlags(Map)} or {@link
   * IsolatorConfigBuilder#flag}, known to this class or not, with its value as given; potentially
   * empty} A setting made (or made again) through a typed builder method is not included. Never
   * null.
   */
  public ProviderSettings providerSettings() {
    return providerSettings;
  }

  /**
   * {@return the effective configuration on one line, for the start-up log: every flag with its
   * value (defaults included), then the resulting scope and protocols} Never null.
   */
  public String describe() {
    return values.describe(protocols());
  }

  /** {@code IsolatorConfig[}{@link #describe()}{@code ]}. */
  @Override
  public String toString() {
    return "IsolatorConfig[" + describe() + "]";
  }

  /** Equal when every setting and every flag given by name are. */
  @Override
  public boolean equals(Object other) {
    return other instanceof IsolatorConfig config && values.equals(config.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }
}
