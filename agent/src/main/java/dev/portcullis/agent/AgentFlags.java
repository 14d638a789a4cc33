package dev.portcullis.agent;

import dev.portcullis.core.config.FlagException;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.policy.GracePolicy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The agent's flags, named and defaulted as the Mesos agent's, plus Portcullis's provider and
 * policy flags: shared by {@code run}, which embeds an agent for one task, and {@code agent}, the
 * daemon. One declaration, one help text, one validation.
 */
final class AgentFlags {

  private static final Logger LOG = LoggerFactory.getLogger(AgentFlags.class);

  private static final String ISOLATION = "isolation";
  private static final String POSIX_LAUNCHER = "posix";

  /** The bpf guard's own setting, which only it reads. */
  private static final String GUARD_STOP_LISTENERS = "container_ports_guard_stop_listeners";

  /** The boolean flags, which Mesos also takes as {@code --no-name} (but never with a value). */
  private static final List<String> BOOLEAN_FLAGS =
      List.of(
          IsolatorConfig.ENFORCE_CONTAINER_PORTS,
          IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY,
          IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP,
          TaskUsers.SWITCH_USER,
          GUARD_STOP_LISTENERS);

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  // The agent's flags, named and defaulted as the Mesos agent's.

  @Option(
      names = "--isolation",
      paramLabel = "ISOLATORS",
      defaultValue = RunSettings.PORTS_ISOLATOR,
      description =
          "Comma-separated isolators, as for the Mesos agent. Ports are scanned and enforced only"
              + " if the list holds network/ports; other Mesos isolators are accepted and have no"
              + " effect. Default: ${DEFAULT-VALUE}.")
  String isolation;

  @Option(
      names = "--launcher",
      paramLabel = "NAME",
      defaultValue = IsolatorConfig.LINUX_LAUNCHER,
      description =
          "linux runs the task in a cgroup of its own; posix runs it as a plain child process,"
              + " which network/ports cannot work with. Default: ${DEFAULT-VALUE}.")
  String launcher;

  @Option(
      names = "--enforce_container_ports",
      negatable = true,
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Kill a task that listens on a port it was not allocated, and report it TASK_FAILED."
              + " When off, the violation is only logged, once per distinct set of ports."
              + " Default: ${DEFAULT-VALUE}.")
  boolean enforceContainerPorts;

  @Option(
      names = "--container_ports_watch_interval",
      paramLabel = "DURATION",
      defaultValue = "30secs",
      description =
          "The delay between scans: a number and one of ns, us, ms, secs, mins, hrs, days,"
              + " weeks; positive. Default: ${DEFAULT-VALUE}.")
  String watchInterval;

  @Option(
      names = "--check_agent_port_range_only",
      negatable = true,
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Check only ports in the agent's own ports resource (--resources): [31000-32000]"
              + " when it has none, nothing when it is empty (ports:[]). Default:"
              + " ${DEFAULT-VALUE}.")
  boolean checkAgentPortRangeOnly;

  @Option(
      names = "--container_ports_isolated_range",
      paramLabel = "RANGES",
      description =
          "Check only these ports, such as [1024-65535]; not with"
              + " --check_agent_port_range_only. Default: none (every port is checked).")
  String isolatedRange;

  @Option(
      names = "--resources",
      paramLabel = "RESOURCES",
      description =
          "The agent's own resources, as cpus:1;mem:32;ports:[31000-32000] or Mesos JSON. Only"
              + " ports is used, by --check_agent_port_range_only. Default: none.")
  String resources;

  @Option(
      names = "--" + TaskUsers.SWITCH_USER,
      negatable = true,
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Run a task that names a user as that user (its uid, primary group and supplementary"
              + " groups), with no capabilities. When off, the user is ignored and the task runs"
              + " as the agent's user. Default: ${DEFAULT-VALUE}.")
  boolean switchUser;

  @Mixin HostFlags host;

  // Portcullis's own agent flags.

  @Option(
      names = "--container_ports_policy",
      paramLabel = "NAME",
      description = "The enforcement policy: mesos or grace. Default: the best available (mesos).")
  String policy;

  @Option(
      names = "--container_ports_grace_scans",
      paramLabel = "N",
      description =
          "For the grace policy: kill only after N consecutive scans saw the same violation."
              + " Default: "
              + GracePolicy.DEFAULT_GRACE_SCANS
              + ".")
  String graceScans;

  @Option(
      names = "--" + IsolatorConfig.CONTAINER_PORTS_GUARD,
      paramLabel = "NAME",
      defaultValue = IsolatorConfig.NO_GUARD,
      description =
          "The port guard, which makes the kernel refuse a task's bind() to a port it was not"
              + " allocated: bpf (cgroup v2 BPF bind hooks) or none, as in Mesos, where only scans"
              + " enforce. Naming one that cannot work here is a start-up error. Default:"
              + " ${DEFAULT-VALUE}.")
  String guard;

  @Option(
      names = "--" + IsolatorConfig.CONTAINER_PORTS_GUARD_MODE,
      paramLabel = "scope|strict",
      defaultValue = "scope",
      description =
          "Which binds the guard refuses. scope: a port in the checked scope that is not"
              + " allocated. strict: any named port that is not allocated, even outside the scope;"
              + " the kernel's picks for bind(0) still follow the scope. Default:"
              + " ${DEFAULT-VALUE}.")
  String guardMode;

  @Option(
      names = "--container_ports_guard_stop_listeners",
      negatable = true,
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "true",
      paramLabel = "true|false",
      description =
          "Where the kernel allows it, the bpf guard kills at once a process that calls listen()"
              + " on a socket it never bound when the port the kernel picked is not allowed; with"
              + " false such a listener is left to the next scan. Default: ${DEFAULT-VALUE}.")
  boolean guardStopsListeners;

  @Option(
      names = "--container_ports_full_scan_every",
      paramLabel = "N",
      description =
          "When scans attribute sockets by cgroup id, every Nth scan (and the first) reads every"
              + " process's descriptors instead. Default: "
              + IsolatorConfig.DEFAULT_FULL_SCAN_EVERY
              + ".")
  String fullScanEvery;

  /**
   * Validates every agent flag, without side effects.
   *
   * @throws FlagException naming the first bad flag
   * @throws ParameterException if a negated flag was given a value
   */
  AgentSettings settings() {
    rejectNegatedFlagsWithValues();
    Set<String> isolators = isolators();
    boolean isolatesPorts = isolators.contains(RunSettings.PORTS_ISOLATOR);
    String launcherName = launcher.strip();
    if (!launcherName.equals(IsolatorConfig.LINUX_LAUNCHER)
        && !launcherName.equals(POSIX_LAUNCHER)) {
      throw FlagException.invalidValue(IsolatorConfig.LAUNCHER, launcher, "must be linux or posix");
    }
    IsolatorConfig config = IsolatorConfig.fromFlags(agentFlags(isolatesPorts));
    logWhatIsIgnored(isolators);
    return new AgentSettings(
        isolatesPorts,
        launcherName.equals(IsolatorConfig.LINUX_LAUNCHER),
        config,
        TaskUsers.ofHost(switchUser));
  }

  private static void logWhatIsIgnored(Set<String> isolators) {
    Set<String> others = new LinkedHashSet<>(isolators);
    others.remove(RunSettings.PORTS_ISOLATOR);
    if (!others.isEmpty()) {
      LOG.info("Isolators {} are not provided by Portcullis; they have no effect", others);
    }
    if (!isolators.contains(RunSettings.PORTS_ISOLATOR)) {
      LOG.info(
          "Ports are not scanned: --{} does not contain {}", ISOLATION, RunSettings.PORTS_ISOLATOR);
    }
  }

  /** Mesos takes {@code --no-name} only bare; picocli would read {@code --no-name=false}. */
  private void rejectNegatedFlagsWithValues() {
    for (String arg : spec.commandLine().getParseResult().originalArgs()) {
      if (arg.equals("--")) {
        return;
      }
      for (String flag : BOOLEAN_FLAGS) {
        if (arg.startsWith("--no-" + flag + "=")) {
          throw new ParameterException(
              spec.commandLine(),
              "Flag --no-"
                  + flag
                  + " takes no value; write --"
                  + flag
                  + "=true or --"
                  + flag
                  + "=false instead");
        }
      }
    }
  }

  private Set<String> isolators() {
    Set<String> names = new LinkedHashSet<>();
    for (String name : isolation.split(",", -1)) {
      String isolator = name.strip();
      if (isolator.isEmpty() || isolator.chars().anyMatch(Character::isWhitespace)) {
        throw FlagException.invalidValue(
            ISOLATION,
            isolation,
            "list isolator names separated by commas, such as network/ports, with none empty");
      }
      names.add(isolator);
    }
    return names;
  }

  /** The flags for the isolator and its providers, by their names without {@code --}. */
  private Map<String, String> agentFlags(boolean isolatesPorts) {
    Map<String, String> flags = new TreeMap<>();
    if (isolatesPorts) {
      // The isolator refuses every launcher but linux; without it, posix is fine.
      flags.put(IsolatorConfig.LAUNCHER, launcher);
    }
    flags.put(IsolatorConfig.ENFORCE_CONTAINER_PORTS, String.valueOf(enforceContainerPorts));
    flags.put(IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, watchInterval);
    flags.put(IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, String.valueOf(checkAgentPortRangeOnly));
    host.putInto(flags);
    putIfGiven(flags, IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, isolatedRange);
    putIfGiven(flags, IsolatorConfig.RESOURCES, resources);
    putIfGiven(flags, IsolatorConfig.CONTAINER_PORTS_POLICY, policy);
    putIfGiven(flags, IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, fullScanEvery);
    flags.put(IsolatorConfig.CONTAINER_PORTS_GUARD, guard);
    flags.put(IsolatorConfig.CONTAINER_PORTS_GUARD_MODE, guardMode);
    flags.put(GUARD_STOP_LISTENERS, String.valueOf(guardStopsListeners));
    if (graceScans != null) {
      // Only the grace policy reads it, and only if selected: check it here so that a bad value
      // is never silently ignored.
      checkGraceScans(graceScans);
      flags.put(GracePolicy.GRACE_SCANS_SETTING, graceScans.strip());
    }
    return flags;
  }

  private static void putIfGiven(Map<String, String> flags, String name, String value) {
    if (value != null) {
      flags.put(name, value);
    }
  }

  private static void checkGraceScans(String value) {
    int scans;
    try {
      scans = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw FlagException.invalidValue(
          GracePolicy.GRACE_SCANS_SETTING, value, "must be a whole number of scans, at least 1", e);
    }
    if (scans < 1) {
      throw FlagException.invalidValue(
          GracePolicy.GRACE_SCANS_SETTING, value, "must be at least 1");
    }
  }
}
