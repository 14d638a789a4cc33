package dev.portcullis.core.config;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.PortRangesFormatException;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.ProviderSettings;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * How the ports isolator runs: the Mesos agent flags it reads, plus Portcullis's own.
 *
 * <p>Build one from flags with {@link #fromFlags(Map)}, or in code with {@link #builder()}; both
 * validate the same way and fail with a {@link FlagException} naming the flag. The flags, their
 * defaults and their meaning:
 *
 * <table>
 *   <caption>Flags</caption>
 *   <tr><th>flag</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #LAUNCHER}</td><td>{@code linux}</td>
 *       <td>must be {@code linux}: cgroups are how a task's processes are found</td></tr>
 *   <tr><td>{@value #ENFORCE_CONTAINER_PORTS}</td><td>{@code false}</td>
 *       <td>kill a violating container rather than only log it</td></tr>
 *   <tr><td>{@value #CONTAINER_PORTS_WATCH_INTERVAL}</td><td>{@code 30secs}</td>
 *       <td>the delay between scans, a Mesos duration</td></tr>
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
 *   <tr><td>{@value #CONTAINER_PORTS_FULL_SCAN_EVERY}</td><td>{@code 10}</td>
 *       <td>when scans attribute sockets by cgroup id, every N-th scan is a full exact
 *       one</td></tr>
 *   <tr><td>{@value #CONTAINER_PORTS_GUARD}</td><td>{@value #NO_GUARD}</td>
 *       <td>the port guard that refuses unallocated binds in the kernel, by provider name;
 *       {@value #NO_GUARD} for none (Mesos behaviour)</td></tr>
 *   <tr><td>{@value #CONTAINER_PORTS_GUARD_MODE}</td><td>{@code scope}</td>
 *       <td>which binds the guard refuses: see {@link GuardMode}</td></tr>
 * </table>
 *
 * <p>Booleans are {@code true} or {@code false} in any case. Setting both {@value
 * #CHECK_AGENT_PORT_RANGE_ONLY} and {@value #CONTAINER_PORTS_ISOLATED_RANGE} is an error, as in
 * Mesos.
 *
 * <p>Immutable and thread-safe. Accessors never return null.
 *
 * @since 0.1
 */
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

  /** Flag {@code container_ports_guard}: the port guard provider's name, or {@value #NO_GUARD}. */
  public static final String CONTAINER_PORTS_GUARD = "container_ports_guard";

  /** Flag {@code container_ports_guard_mode}: which binds the guard refuses. */
  public static final String CONTAINER_PORTS_GUARD_MODE = "container_ports_guard_mode";

  /** The value of {@value #CONTAINER_PORTS_GUARD} that installs no guard: the default. */
  public static final String NO_GUARD = "none";

  /**
   * Prefix of the system properties that name providers when their flag is absent: {@code
   * portcullis.socket_source}, {@code portcullis.process_tracker}, {@code
   * portcullis.container_ports_policy}.
   */
  public static final String SYSTEM_PROPERTY_PREFIX = "portcullis.";

  /** The only launcher the isolator works with. */
  public static final String LINUX_LAUNCHER = "linux";

  /** The default delay between scans, as in Mesos. */
  public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(30);

  /** The ports checked in range-only mode when the agent's resources have no ports, as in Mesos. */
  public static final PortRanges DEFAULT_AGENT_PORTS = PortRanges.range(31000, 32000);

  /** The default number of scans per full exact scan. */
  public static final int DEFAULT_FULL_SCAN_EVERY = 10;

  private final String launcher;
  private final boolean enforceContainerPorts;
  private final Duration watchInterval;
  private final boolean checkAgentPortRangeOnly;
  private final Optional<PortRanges> isolatedRange;
  private final AgentResources resources;
  private final boolean includeUdp;
  private final Optional<String> socketSourceName;
  private final Optional<String> processTrackerName;
  private final Optional<String> policyName;
  private final int fullScanEvery;
  private final Optional<String> guardName;
  private final GuardMode guardMode;
  private final ProviderSettings providerSettings;
  private final Optional<PortRanges> scope;

  private IsolatorConfig(Builder builder, UnaryOperator<String> systemProperties) {
    this.launcher = builder.launcher;
    this.enforceContainerPorts = builder.enforceContainerPorts;
    this.watchInterval = builder.watchInterval;
    this.checkAgentPortRangeOnly = builder.checkAgentPortRangeOnly;
    this.isolatedRange = Optional.ofNullable(builder.isolatedRange);
    this.resources = builder.resources;
    this.includeUdp = builder.includeUdp;
    this.socketSourceName = providerName(SOCKET_SOURCE, builder.socketSourceName, systemProperties);
    this.processTrackerName =
        providerName(PROCESS_TRACKER, builder.processTrackerName, systemProperties);
    this.policyName = providerName(CONTAINER_PORTS_POLICY, builder.policyName, systemProperties);
    this.fullScanEvery = builder.fullScanEvery;
    this.guardName =
        providerName(CONTAINER_PORTS_GUARD, builder.guardName, systemProperties)
            .filter(name -> !name.equals(NO_GUARD));
    this.guardMode = builder.guardMode;
    this.providerSettings = ProviderSettings.of(builder.flags);
    this.scope = scopeOf(isolatedRange, checkAgentPortRangeOnly, resources);
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

  /** A builder with every setting at its default; never null. */
  public static Builder builder() {
    return new Builder();
  }

  /** The agent's launcher; always {@value #LINUX_LAUNCHER}. */
  public String launcher() {
    return launcher;
  }

  /** Whether violating containers are killed; when false, violations are only logged. */
  public boolean enforceContainerPorts() {
    return enforceContainerPorts;
  }

  /** The delay between the end of one scan and the start of the next; always positive. */
  public Duration watchInterval() {
    return watchInterval;
  }

  /** Whether only the agent's own {@code ports} resource is checked. */
  public boolean checkAgentPortRangeOnly() {
    return checkAgentPortRangeOnly;
  }

  /** The range given by {@value #CONTAINER_PORTS_ISOLATED_RANGE}; empty when not given. */
  public Optional<PortRanges> isolatedRange() {
    return isolatedRange;
  }

  /** The agent's resources; {@link AgentResources#none()} when not given. */
  public AgentResources resources() {
    return resources;
  }

  /** Whether bound UDP sockets are checked as well as listening TCP ones. */
  public boolean includeUdp() {
    return includeUdp;
  }

  /**
   * The socket source to use, by provider name, from the flag or else the system property; empty to
   * choose the best available one. Never blank.
   */
  public Optional<String> socketSourceName() {
    return socketSourceName;
  }

  /**
   * The process tracker to use, by provider name, from the flag or else the system property; empty
   * to choose the best available one. Never blank.
   */
  public Optional<String> processTrackerName() {
    return processTrackerName;
  }

  /**
   * The enforcement policy to use, by provider name, from the flag or else the system property;
   * empty to choose the best available one. Never blank.
   */
  public Optional<String> policyName() {
    return policyName;
  }

  /**
   * How many scans make one cycle when sockets are attributed by cgroup id: every N-th scan is a
   * full exact scan instead. At least 1; 1 means every scan is exact.
   */
  public int fullScanEvery() {
    return fullScanEvery;
  }

  /**
   * The port guard to use, by provider name, from the flag or else the system property; empty when
   * no guard is installed ({@value #NO_GUARD}, the default). Never blank.
   */
  public Optional<String> guardName() {
    return guardName;
  }

  /** Which binds the guard refuses; meaningful only with a {@link #guardName() guard}. */
  public GuardMode guardMode() {
    return guardMode;
  }

  /**
   * The ports that are checked at all. Present when checking is limited: the isolated range when
   * given; otherwise, in range-only mode, the agent's {@code ports} resource — {@link
   * #DEFAULT_AGENT_PORTS} when the agent has no ports resource, and the empty set (nothing is
   * checked) when it has an explicitly empty one. Empty when every port is checked.
   */
  public Optional<PortRanges> scope() {
    return scope;
  }

  private static Optional<PortRanges> scopeOf(
      Optional<PortRanges> isolatedRange,
      boolean checkAgentPortRangeOnly,
      AgentResources resources) {
    if (isolatedRange.isPresent()) {
      return isolatedRange;
    }
    if (checkAgentPortRangeOnly) {
      return Optional.of(resources.ports().orElse(DEFAULT_AGENT_PORTS));
    }
    return Optional.empty();
  }

  /** The protocols whose sockets are checked: TCP, and UDP too when enabled; never empty. */
  public Set<Protocol> protocols() {
    return Collections.unmodifiableSet(
        includeUdp ? EnumSet.of(Protocol.TCP, Protocol.UDP) : EnumSet.of(Protocol.TCP));
  }

  /**
   * Every flag given by name, through {@link #fromFlags(Map)} or {@link Builder#flag}, known to
   * this class or not, with its value as given; potentially empty. Settings made through the typed
   * builder methods are not included. Never null.
   */
  public ProviderSettings providerSettings() {
    return providerSettings;
  }

  /**
   * The effective configuration on one line, for the start-up log: every flag with its value
   * (defaults included), then the resulting scope and protocols. Never null.
   */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append("--").append(LAUNCHER).append('=').append(launcher);
    text.append(" --").append(ENFORCE_CONTAINER_PORTS).append('=').append(enforceContainerPorts);
    text.append(" --")
        .append(CONTAINER_PORTS_WATCH_INTERVAL)
        .append('=')
        .append(Durations.format(watchInterval));
    text.append(" --")
        .append(CHECK_AGENT_PORT_RANGE_ONLY)
        .append('=')
        .append(checkAgentPortRangeOnly);
    text.append(" --")
        .append(CONTAINER_PORTS_ISOLATED_RANGE)
        .append('=')
        .append(isolatedRange.map(PortRanges::toString).orElse("(none)"));
    text.append(" --")
        .append(RESOURCES)
        .append('=')
        .append(resources.isEmpty() ? "(none)" : resources.toString());
    text.append(" --").append(CONTAINER_PORTS_INCLUDE_UDP).append('=').append(includeUdp);
    text.append(" --").append(SOCKET_SOURCE).append('=').append(automaticUnless(socketSourceName));
    text.append(" --")
        .append(PROCESS_TRACKER)
        .append('=')
        .append(automaticUnless(processTrackerName));
    text.append(" --")
        .append(CONTAINER_PORTS_POLICY)
        .append('=')
        .append(automaticUnless(policyName));
    text.append(" --").append(CONTAINER_PORTS_FULL_SCAN_EVERY).append('=').append(fullScanEvery);
    text.append(" --").append(CONTAINER_PORTS_GUARD).append('=').append(guardName.orElse(NO_GUARD));
    text.append(" --").append(CONTAINER_PORTS_GUARD_MODE).append('=').append(guardMode.flagValue());
    text.append(" (checking ")
        .append(scope.map(ports -> "ports " + ports).orElse("every port"))
        .append(" over ")
        .append(String.join(", ", protocols().stream().map(Protocol::name).toList()))
        .append(')');
    return text.toString();
  }

  private static String automaticUnless(Optional<String> name) {
    return name.orElse("(automatic)");
  }

  /** {@code IsolatorConfig[}{@link #describe()}{@code ]}. */
  @Override
  public String toString() {
    return "IsolatorConfig[" + describe() + "]";
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof IsolatorConfig that)) {
      return false;
    }
    return launcher.equals(that.launcher)
        && enforceContainerPorts == that.enforceContainerPorts
        && watchInterval.equals(that.watchInterval)
        && checkAgentPortRangeOnly == that.checkAgentPortRangeOnly
        && isolatedRange.equals(that.isolatedRange)
        && resources.equals(that.resources)
        && includeUdp == that.includeUdp
        && socketSourceName.equals(that.socketSourceName)
        && processTrackerName.equals(that.processTrackerName)
        && policyName.equals(that.policyName)
        && fullScanEvery == that.fullScanEvery
        && guardName.equals(that.guardName)
        && guardMode == that.guardMode
        && providerSettings.asMap().equals(that.providerSettings.asMap());
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        launcher,
        enforceContainerPorts,
        watchInterval,
        checkAgentPortRangeOnly,
        isolatedRange,
        resources,
        includeUdp,
        socketSourceName,
        processTrackerName,
        policyName,
        fullScanEvery,
        guardName,
        guardMode,
        providerSettings.asMap());
  }

  private static Optional<String> providerName(
      String flag, String given, UnaryOperator<String> systemProperties) {
    if (given != null) {
      return Optional.of(given.strip());
    }
    String property = SYSTEM_PROPERTY_PREFIX + flag;
    String fromProperty = systemProperties.apply(property);
    if (fromProperty == null) {
      return Optional.empty();
    }
    if (fromProperty.isBlank()) {
      throw FlagException.of(
          flag,
          "the system property "
              + property
              + " is blank; set it to a provider name, or clear it to choose the best available"
              + " provider");
    }
    return Optional.of(fromProperty.strip());
  }

  /**
   * Collects settings for an {@link IsolatorConfig}, from flags or typed methods, and validates
   * them in {@link #build()}. Not thread-safe; every method returns this builder, never null.
   *
   * @since 0.1
   */
  public static final class Builder {

    private String launcher = LINUX_LAUNCHER;
    private boolean enforceContainerPorts;
    private Duration watchInterval = DEFAULT_WATCH_INTERVAL;
    private boolean checkAgentPortRangeOnly;
    private PortRanges isolatedRange;
    private AgentResources resources = AgentResources.none();
    private boolean includeUdp;
    private String socketSourceName;
    private String processTrackerName;
    private String policyName;
    private int fullScanEvery = DEFAULT_FULL_SCAN_EVERY;
    private String guardName;
    private GuardMode guardMode = GuardMode.SCOPE;
    private final SortedMap<String, String> flags = new TreeMap<>();

    private Builder() {}

    /** Sets {@value IsolatorConfig#LAUNCHER}; {@link #build()} accepts only {@code linux}. */
    public Builder launcher(String launcher) {
      this.launcher = Objects.requireNonNull(launcher, "launcher");
      return this;
    }

    /** Sets {@value IsolatorConfig#ENFORCE_CONTAINER_PORTS}. */
    public Builder enforceContainerPorts(boolean enforceContainerPorts) {
      this.enforceContainerPorts = enforceContainerPorts;
      return this;
    }

    /**
     * Sets {@value IsolatorConfig#CONTAINER_PORTS_WATCH_INTERVAL}; {@link #build()} accepts only a
     * positive duration.
     */
    public Builder watchInterval(Duration watchInterval) {
      this.watchInterval = Objects.requireNonNull(watchInterval, "watchInterval");
      return this;
    }

    /** Sets {@value IsolatorConfig#CHECK_AGENT_PORT_RANGE_ONLY}. */
    public Builder checkAgentPortRangeOnly(boolean checkAgentPortRangeOnly) {
      this.checkAgentPortRangeOnly = checkAgentPortRangeOnly;
      return this;
    }

    /** Sets {@value IsolatorConfig#CONTAINER_PORTS_ISOLATED_RANGE}. */
    public Builder isolatedRange(PortRanges isolatedRange) {
      this.isolatedRange = Objects.requireNonNull(isolatedRange, "isolatedRange");
      return this;
    }

    /** Sets {@value IsolatorConfig#RESOURCES}, the agent's resources. */
    public Builder resources(AgentResources resources) {
      this.resources = Objects.requireNonNull(resources, "resources");
      return this;
    }

    /** Sets {@value IsolatorConfig#CONTAINER_PORTS_INCLUDE_UDP}. */
    public Builder includeUdp(boolean includeUdp) {
      this.includeUdp = includeUdp;
      return this;
    }

    /**
     * Sets {@value IsolatorConfig#SOCKET_SOURCE}, which takes precedence over the system property;
     * {@link #build()} rejects a blank name.
     */
    public Builder socketSourceName(String name) {
      this.socketSourceName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets {@value IsolatorConfig#PROCESS_TRACKER}, which takes precedence over the system
     * property; {@link #build()} rejects a blank name.
     */
    public Builder processTrackerName(String name) {
      this.processTrackerName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets {@value IsolatorConfig#CONTAINER_PORTS_POLICY}, which takes precedence over the system
     * property; {@link #build()} rejects a blank name.
     */
    public Builder policyName(String name) {
      this.policyName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets {@value IsolatorConfig#CONTAINER_PORTS_FULL_SCAN_EVERY}; {@link #build()} accepts only 1
     * or more.
     */
    public Builder fullScanEvery(int fullScanEvery) {
      this.fullScanEvery = fullScanEvery;
      return this;
    }

    /**
     * Sets {@value IsolatorConfig#CONTAINER_PORTS_GUARD}, which takes precedence over the system
     * property: a provider name, or {@value IsolatorConfig#NO_GUARD}; {@link #build()} rejects a
     * blank name.
     */
    public Builder guardName(String name) {
      this.guardName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Sets {@value IsolatorConfig#CONTAINER_PORTS_GUARD_MODE}. */
    public Builder guardMode(GuardMode guardMode) {
      this.guardMode = Objects.requireNonNull(guardMode, "guardMode");
      return this;
    }

    /**
     * Applies every flag, in name order, as {@link #flag(String, String)} does.
     *
     * @throws FlagException for the first flag whose value cannot be parsed
     */
    public Builder flags(Map<String, String> flags) {
      new TreeMap<>(Objects.requireNonNull(flags, "flags")).forEach(this::flag);
      return this;
    }

    /**
     * Applies one flag by name, without {@code --}, parsing its value, and keeps it for {@link
     * IsolatorConfig#providerSettings()}. An unknown name is only kept, for providers to read.
     * Values may have surrounding whitespace.
     *
     * @throws FlagException when the name starts with {@code -}, or the value of a known flag
     *     cannot be parsed
     */
    public Builder flag(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.startsWith("-")) {
        // Silently ignoring "--launcher" as an unknown flag would hide a misconfiguration.
        String bare = name.replaceFirst("^-+", "");
        throw FlagException.of(
            bare,
            "give its name without the leading '--' (\"" + bare + "\", not \"" + name + "\")");
      }
      switch (name) {
        case LAUNCHER -> launcher = value.strip();
        case ENFORCE_CONTAINER_PORTS -> enforceContainerPorts = parseBoolean(name, value);
        case CONTAINER_PORTS_WATCH_INTERVAL ->
            watchInterval =
                Durations.parse(value, problem -> FlagException.invalidValue(name, value, problem));
        case CHECK_AGENT_PORT_RANGE_ONLY -> checkAgentPortRangeOnly = parseBoolean(name, value);
        case CONTAINER_PORTS_ISOLATED_RANGE -> isolatedRange = parseRanges(name, value);
        case RESOURCES -> resources = parseResources(name, value);
        case CONTAINER_PORTS_INCLUDE_UDP -> includeUdp = parseBoolean(name, value);
        case SOCKET_SOURCE -> socketSourceName = value;
        case PROCESS_TRACKER -> processTrackerName = value;
        case CONTAINER_PORTS_POLICY -> policyName = value;
        case CONTAINER_PORTS_FULL_SCAN_EVERY -> fullScanEvery = parseCount(name, value);
        case CONTAINER_PORTS_GUARD -> guardName = value;
        case CONTAINER_PORTS_GUARD_MODE ->
            guardMode =
                GuardMode.parse(value)
                    .orElseThrow(
                        () ->
                            FlagException.invalidValue(
                                name, value, "must be " + GuardMode.flagValues()));
        default -> {
          // An unknown flag is only kept, below, for providers to read.
        }
      }
      flags.put(name, value);
      return this;
    }

    /**
     * Validates the settings and builds the configuration. A provider name not set here is read
     * from the system property {@code portcullis.<flag>}, if set.
     *
     * @return never null
     * @throws FlagException naming the flag: a launcher other than {@code linux}, a watch interval
     *     that is not positive, a full-scan count below 1, a blank provider or guard name (here or
     *     in the system property), or both {@value IsolatorConfig#CHECK_AGENT_PORT_RANGE_ONLY} and
     *     {@value IsolatorConfig#CONTAINER_PORTS_ISOLATED_RANGE}
     */
    public IsolatorConfig build() {
      return build(System::getProperty);
    }

    /** As {@link #build()}, reading system properties through {@code systemProperties}. */
    IsolatorConfig build(UnaryOperator<String> systemProperties) {
      if (!launcher.equals(LINUX_LAUNCHER)) {
        throw FlagException.invalidValue(
            LAUNCHER,
            launcher,
            "the network/ports isolator needs --launcher=linux, because it finds a task's"
                + " processes through the cgroups that the Linux launcher puts them in");
      }
      if (watchInterval.isNegative() || watchInterval.isZero()) {
        throw FlagException.invalidValue(
            CONTAINER_PORTS_WATCH_INTERVAL,
            Durations.format(watchInterval),
            "the duration must be positive");
      }
      if (fullScanEvery < 1) {
        throw FlagException.invalidValue(
            CONTAINER_PORTS_FULL_SCAN_EVERY,
            String.valueOf(fullScanEvery),
            "must be at least 1 (1 makes every scan a full exact one)");
      }
      checkName(SOCKET_SOURCE, socketSourceName);
      checkName(PROCESS_TRACKER, processTrackerName);
      checkName(CONTAINER_PORTS_POLICY, policyName);
      checkName(CONTAINER_PORTS_GUARD, guardName);
      if (checkAgentPortRangeOnly && isolatedRange != null) {
        throw FlagException.of(
            CONTAINER_PORTS_ISOLATED_RANGE,
            "cannot be combined with --"
                + CHECK_AGENT_PORT_RANGE_ONLY
                + "=true; set only one of --"
                + CHECK_AGENT_PORT_RANGE_ONLY
                + " and --"
                + CONTAINER_PORTS_ISOLATED_RANGE);
      }
      return new IsolatorConfig(this, systemProperties);
    }

    private static void checkName(String flag, String name) {
      if (name != null && name.isBlank()) {
        throw FlagException.invalidValue(
            flag,
            name,
            "a provider name must not be blank; omit the flag to choose the best available"
                + " provider");
      }
    }

    private static boolean parseBoolean(String flag, String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw FlagException.invalidValue(flag, value, "must be true or false");
      };
    }

    private static PortRanges parseRanges(String flag, String value) {
      try {
        return PortRanges.parse(value);
      } catch (PortRangesFormatException e) {
        throw FlagException.invalidValue(flag, value, Diagnostics.problemOf(e), e);
      }
    }

    private static AgentResources parseResources(String flag, String value) {
      try {
        return AgentResources.parse(value);
      } catch (ResourcesFormatException e) {
        throw FlagException.invalidValue(flag, value, e.problem(), e);
      }
    }

    private static int parseCount(String flag, String value) {
      int count;
      try {
        count = Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        throw FlagException.invalidValue(
            flag, value, "must be a whole number of scans, at least 1", e);
      }
      if (count < 1) {
        throw FlagException.invalidValue(
            flag, value, "must be at least 1 (1 makes every scan a full exact one)");
      }
      return count;
    }
  }
}
