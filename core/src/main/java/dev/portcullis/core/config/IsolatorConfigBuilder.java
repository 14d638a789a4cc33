package dev.portcullis.core.config;

import static dev.portcullis.core.config.IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY;
import static dev.portcullis.core.config.IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY;
import static dev.portcullis.core.config.IsolatorConfig.CONTAINER_PORTS_GUARD;
import static dev.portcullis.core.config.IsolatorConfig.CONTAINER_PORTS_GUARD_MODE;
import static dev.portcullis.core.config.IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP;
import static dev.portcullis.core.config.IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE;
import static dev.portcullis.core.config.IsolatorConfig.CONTAINER_PORTS_POLICY;
import static dev.portcullis.core.config.IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL;
import static dev.portcullis.core.config.IsolatorConfig.ENFORCE_CONTAINER_PORTS;
import static dev.portcullis.core.config.IsolatorConfig.LAUNCHER;
import static dev.portcullis.core.config.IsolatorConfig.PROCESS_TRACKER;
import static dev.portcullis.core.config.IsolatorConfig.RESOURCES;
import static dev.portcullis.core.config.IsolatorConfig.SOCKET_SOURCE;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Stability;
import dev.portcullis.core.format.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Collects the settings of an {@link IsolatorConfig}, from flags or typed methods, and validates
 * them in {@link #build()}.
 *
 * <p>A flag's text is parsed as soon as it is given, by the one parser of that flag, into the value
 * its typed method takes; the rules on values (a positive interval, a count of at least 1, a linux
 * launcher, no blank name, no conflicting scope) are checked once, in {@link #build()}, however
 * each value was given. Not thread-safe; every method returns this builder, never null.
 *
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public final class IsolatorConfigBuilder {

  /** The flags that name providers, in the order their names are checked. */
  private static final List<String> PROVIDER_FLAGS =
      List.of(SOCKET_SOURCE, PROCESS_TRACKER, CONTAINER_PORTS_POLICY, CONTAINER_PORTS_GUARD);

  private String launcher = IsolatorConfig.LINUX_LAUNCHER;
  private boolean enforceContainerPorts;
  private Duration watchInterval = IsolatorConfig.DEFAULT_WATCH_INTERVAL;
  private boolean checkAgentPortRangeOnly;
  private PortRanges isolatedRange;
  private AgentResources resources = AgentResources.none();
  private boolean includeUdp;
  private int fullScanEvery = IsolatorConfig.DEFAULT_FULL_SCAN_EVERY;
  private GuardMode guardMode = IsolatorConfig.DEFAULT_GUARD_MODE;

  /** The provider names given, by the flag that names each kind; checked in {@link #build}. */
  private final Map<String, String> providerNames = new HashMap<>();

  /** Every flag given by name and not set again since by a typed method, as given. */
  private final SortedMap<String, String> flags = new TreeMap<>();

  IsolatorConfigBuilder() {}

  /**
   * Sets {@value IsolatorConfig#LAUNCHER}; {@link #build()} accepts only {@code linux}.
   *
   * @param launcher the agent's launcher
   * @return this builder
   */
  public IsolatorConfigBuilder launcher(String launcher) {
    this.launcher = Objects.requireNonNull(launcher, "launcher");
    return typed(LAUNCHER);
  }

  /**
   * Sets {@value IsolatorConfig#ENFORCE_CONTAINER_PORTS}.
   *
   * @param enforceContainerPorts whether violating containers are killed
   * @return this builder
   */
  public IsolatorConfigBuilder enforceContainerPorts(boolean enforceContainerPorts) {
    this.enforceContainerPorts = enforceContainerPorts;
    return typed(ENFORCE_CONTAINER_PORTS);
  }

  /**
   * Sets {@value IsolatorConfig#CONTAINER_PORTS_WATCH_INTERVAL}; {@link #build()} accepts only a
   * positive duration.
   *
   * @param watchInterval the delay between scans
   * @return this builder
   */
  public IsolatorConfigBuilder watchInterval(Duration watchInterval) {
    this.watchInterval = Objects.requireNonNull(watchInterval, "watchInterval");
    return typed(CONTAINER_PORTS_WATCH_INTERVAL);
  }

  /**
   * Sets {@value IsolatorConfig#CHECK_AGENT_PORT_RANGE_ONLY}.
   *
   * @param checkAgentPortRangeOnly whether only the agent's own ports are checked
   * @return this builder
   */
  public IsolatorConfigBuilder checkAgentPortRangeOnly(boolean checkAgentPortRangeOnly) {
    this.checkAgentPortRangeOnly = checkAgentPortRangeOnly;
    return typed(CHECK_AGENT_PORT_RANGE_ONLY);
  }

  /**
   * Sets {@value IsolatorConfig#CONTAINER_PORTS_ISOLATED_RANGE}.
   *
   * @param isolatedRange the only ports to check
   * @return this builder
   */
  public IsolatorConfigBuilder isolatedRange(PortRanges isolatedRange) {
    this.isolatedRange = Objects.requireNonNull(isolatedRange, "isolatedRange");
    return typed(CONTAINER_PORTS_ISOLATED_RANGE);
  }

  /**
   * Sets {@value IsolatorConfig#RESOURCES}, the agent's resources.
   *
   * @param resources the agent's resources
   * @return this builder
   */
  public IsolatorConfigBuilder resources(AgentResources resources) {
    this.resources = Objects.requireNonNull(resources, "resources");
    return typed(RESOURCES);
  }

  /**
   * Sets {@value IsolatorConfig#CONTAINER_PORTS_INCLUDE_UDP}.
   *
   * @param includeUdp whether bound UDP sockets are checked too
   * @return this builder
   */
  public IsolatorConfigBuilder includeUdp(boolean includeUdp) {
    this.includeUdp = includeUdp;
    return typed(CONTAINER_PORTS_INCLUDE_UDP);
  }

  /**
   * Sets {@value IsolatorConfig#SOCKET_SOURCE}, which takes precedence over the system property;
   * {@link #build()} rejects a blank name.
   *
   * @param name the socket source's provider name
   * @return this builder
   */
  public IsolatorConfigBuilder socketSourceName(String name) {
    return providerName(SOCKET_SOURCE, name);
  }

  /**
   * Sets {@value IsolatorConfig#PROCESS_TRACKER}, which takes precedence over the system property;
   * {@link #build()} rejects a blank name.
   *
   * @param name the process tracker's provider name
   * @return this builder
   */
  public IsolatorConfigBuilder processTrackerName(String name) {
    return providerName(PROCESS_TRACKER, name);
  }

  /**
   * Sets {@value IsolatorConfig#CONTAINER_PORTS_POLICY}, which takes precedence over the system
   * property; {@link #build()} rejects a blank name.
   *
   * @param name the enforcement policy's provider name
   * @return this builder
   */
  public IsolatorConfigBuilder policyName(String name) {
    return providerName(CONTAINER_PORTS_POLICY, name);
  }

  /**
   * Sets {@value IsolatorConfig#CONTAINER_PORTS_FULL_SCAN_EVERY}; {@link #build()} accepts only 1
   * or more.
   *
   * @param fullScanEvery every how many scans one is exact
   * @return this builder
   */
  public IsolatorConfigBuilder fullScanEvery(int fullScanEvery) {
    this.fullScanEvery = fullScanEvery;
    return typed(CONTAINER_PORTS_FULL_SCAN_EVERY);
  }

  /**
   * Sets {@value IsolatorConfig#CONTAINER_PORTS_GUARD}, which takes precedence over the system
   * property: a provider name, or {@value IsolatorConfig#NO_GUARD}; {@link #build()} rejects a
   * blank name.
   *
   * @param name the port guard's provider name, or {@value IsolatorConfig#NO_GUARD}
   * @return this builder
   */
  public IsolatorConfigBuilder guardName(String name) {
    return providerName(CONTAINER_PORTS_GUARD, name);
  }

  /**
   * Sets {@value IsolatorConfig#CONTAINER_PORTS_GUARD_MODE}.
   *
   * @param guardMode which binds the guard refuses
   * @return this builder
   */
  public IsolatorConfigBuilder guardMode(GuardMode guardMode) {
    this.guardMode = Objects.requireNonNull(guardMode, "guardMode");
    return typed(CONTAINER_PORTS_GUARD_MODE);
  }

  /**
   * Applies every flag, in name order, as {@link #flag(String, String)} does.
   *
   * @param flags flag values by name, without {@code --}
   * @return this builder
   * @throws FlagException for the first flag whose value cannot be parsed
   */
  public IsolatorConfigBuilder flags(Map<String, String> flags) {
    new TreeMap<>(Objects.requireNonNull(flags, "flags")).forEach(this::flag);
    return this;
  }

  /**
   * Applies one flag by name, without {@code --}: a known flag's text is parsed into its typed
   * setting, here and nowhere else. Every flag is kept for {@link
   * IsolatorConfig#providerSettings()}; an unknown one is only kept, for providers to read. Values
   * may have surrounding whitespace.
   *
   * @param name the flag's name, without {@code --}
   * @param value the flag's text, as given
   * @return this builder
   * @throws FlagException when the name starts with {@code -}, or the value of a known flag cannot
   *     be parsed
   */
  public IsolatorConfigBuilder flag(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.startsWith("-")) {
      // Silently ignoring "--launcher" as an unknown flag would hide a misconfiguration.
      String bare = name.replaceFirst("^-+", "");
      throw FlagException.of(
          bare, "give its name without the leading '--' (\"" + bare + "\", not \"" + name + "\")");
    }
    FlagParsers.apply(this, name, value);
    flags.put(name, value);
    return this;
  }

  /**
   * Validates the settings and builds the configuration. A provider name not set here is read from
   * the system property {@code portcullis.<flag>}, if set.
   *
   * @return never null
   * @throws FlagException naming the flag: a launcher other than {@code linux}, a watch interval
   *     that is not positive, a full-scan count below 1, a blank provider or guard name (here or in
   *     the system property), or both {@value IsolatorConfig#CHECK_AGENT_PORT_RANGE_ONLY} and
   *     {@value IsolatorConfig#CONTAINER_PORTS_ISOLATED_RANGE}
   */
  public IsolatorConfig build() {
    return build(System::getProperty);
  }

  /** As {@link #build()}, reading system properties through {@code systemProperties}. */
  IsolatorConfig build(UnaryOperator<String> systemProperties) {
    if (!launcher.equals(IsolatorConfig.LINUX_LAUNCHER)) {
      throw FlagException.invalidValue(
          LAUNCHER,
          launcher,
          "the network/ports isolator needs --launcher=linux, because it finds a task's"
              + " processes through the cgroups that the Linux launcher puts them in");
    }
    if (watchInterval.isNegative() || watchInterval.isZero()) {
      throw FlagException.invalidValue(
          CONTAINER_PORTS_WATCH_INTERVAL,
          given(CONTAINER_PORTS_WATCH_INTERVAL, Durations.format(watchInterval)),
          "the duration must be positive");
    }
    if (fullScanEvery < 1) {
      throw FlagException.invalidValue(
          CONTAINER_PORTS_FULL_SCAN_EVERY,
          given(CONTAINER_PORTS_FULL_SCAN_EVERY, String.valueOf(fullScanEvery)),
          "must be at least 1 (1 makes every scan a full exact one)");
    }
    for (String flag : PROVIDER_FLAGS) {
      if (providerNames.containsKey(flag)) {
        checkName(flag, providerNames.get(flag));
      }
    }
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
    return new IsolatorConfig(
        new ConfigValues(
            launcher,
            enforceContainerPorts,
            watchInterval,
            checkAgentPortRangeOnly,
            Optional.ofNullable(isolatedRange),
            resources,
            includeUdp,
            resolvedName(SOCKET_SOURCE, systemProperties),
            resolvedName(PROCESS_TRACKER, systemProperties),
            resolvedName(CONTAINER_PORTS_POLICY, systemProperties),
            fullScanEvery,
            resolvedName(CONTAINER_PORTS_GUARD, systemProperties)
                .filter(name -> !name.equals(IsolatorConfig.NO_GUARD)),
            guardMode,
            flags));
  }

  /** A typed setting replaces whatever its flag gave: the flag's text no longer holds. */
  private IsolatorConfigBuilder typed(String flag) {
    flags.remove(flag);
    return this;
  }

  private IsolatorConfigBuilder providerName(String flag, String name) {
    providerNames.put(flag, Objects.requireNonNull(name, "name"));
    return typed(flag);
  }

  /** How an error quotes a value: as its flag gave it, else as the typed value prints. */
  private String given(String flag, String typed) {
    return flags.getOrDefault(flag, typed);
  }

  private static void checkName(String flag, String name) {
    if (name.isBlank()) {
      throw FlagException.invalidValue(
          flag,
          name,
          "a provider name must not be blank; omit the flag to choose the best available"
              + " provider");
    }
  }

  /** The name given for a kind, else its system property's; empty to choose the best one. */
  private Optional<String> resolvedName(String flag, UnaryOperator<String> systemProperties) {
    String given = providerNames.get(flag);
    if (given != null) {
      return Optional.of(given.strip());
    }
    String property = IsolatorConfig.SYSTEM_PROPERTY_PREFIX + flag;
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
}
