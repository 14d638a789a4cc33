package dev.portcullis.agent.cli;

import dev.portcullis.agent.host.SearchPath;
import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.oci.OciRuntime;
import dev.portcullis.core.config.FlagException;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>Picocli does not type the isolator's values: each reaches core as the text given, for the one
 * parser of its flag, which embedders reach through {@link IsolatorConfig#fromFlags} too. The
 * exceptions are the booleans, whose Mesos forms ({@code --name}, {@code --no-name}) only picocli
 * sees; they go to the configuration typed. Defaults are core's (or a provider's): an option given
 * no value here leaves its setting to them, and help texts quote core's constants.
 */
public final class AgentFlags {

  private static final Logger LOG = LoggerFactory.getLogger(AgentFlags.class);

  private static final String ISOLATION = "isolation";
  private static final String POSIX_LAUNCHER = "posix";

  /** The boolean flags, which Mesos also takes as {@code --no-name} (but never with a value). */
  private static final List<String> BOOLEAN_FLAGS =
      List.of(
          IsolatorConfig.ENFORCE_CONTAINER_PORTS,
          IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY,
          IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP,
          TaskUsers.SWITCH_USER,
          PortsFlags.GUARD_STOP_LISTENERS);

  static final String OCI_RUNTIME = "oci_runtime";
  static final String OCI_RUNTIME_ROOT = "oci_runtime_root";

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  // The agent's flags, named and defaulted as the Mesos agent's.

  @Option(
      names = "--isolation",
      paramLabel = "ISOLATORS",
      defaultValue = AgentSettings.PORTS_ISOLATOR,
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
      names = "--" + IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL,
      paramLabel = "DURATION",
      description =
          "The delay between scans: a number and one of ns, us, ms, secs, mins, hrs, days,"
              + " weeks; positive. Default: "
              + IsolatorConfig.DEFAULT_WATCH_INTERVAL_TEXT
              + ".")
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

  @Option(
      names = "--" + OCI_RUNTIME,
      paramLabel = "PROGRAM",
      description =
          "The OCI runtime that runs tasks naming a container: runc, or a program that takes its"
              + " run and delete commands; a path, or a name on PATH. Default: runc, if it is on"
              + " PATH; without one, a task naming a container is refused.")
  String ociRuntime;

  @Option(
      names = "--" + OCI_RUNTIME_ROOT,
      paramLabel = "DIR",
      description =
          "Where the OCI runtime keeps its containers' state (its --root): an absolute path."
              + " Default: /run/portcullis/runc.")
  String ociRuntimeRoot;

  @Mixin HostFlags host;

  // Portcullis's own agent flags.

  @Mixin PortsFlags ports;

  /**
   * Validates every agent flag, and loads and checks the extension modules of {@code
   * --modules_dir}, without side effects: an extension's providers are constructed, which the
   * provider contract keeps free of them, but neither initialized nor probed.
   *
   * @throws FlagException naming the first bad flag
   * @throws ParameterException if a negated flag was given a value
   * @throws StartupException if the extension modules cannot be loaded
   */
  public AgentSettings settings() {
    rejectNegatedFlagsWithValues();
    Set<String> isolators = isolators();
    boolean isolatesPorts = isolators.contains(AgentSettings.PORTS_ISOLATOR);
    boolean linuxLauncher = linuxLauncher();
    IsolatorConfig config = isolatorConfig(isolatesPorts);
    ProviderLoader providers = host.extensions().loader();
    logWhatIsIgnored(isolators);
    return new AgentSettings(
        isolatesPorts, linuxLauncher, config, providers, TaskUsers.ofHost(switchUser), oci());
  }

  /** The OCI runtime of {@code --oci_runtime}, or runc if installed; none if neither. */
  private Optional<OciRuntime> oci() {
    Path root = OciRuntime.DEFAULT_STATE_ROOT;
    if (ociRuntimeRoot != null) {
      try {
        root = Path.of(ociRuntimeRoot);
      } catch (InvalidPathException e) {
        throw FlagException.invalidValue(OCI_RUNTIME_ROOT, ociRuntimeRoot, "is no path", e);
      }
      if (!root.isAbsolute()) {
        throw FlagException.invalidValue(OCI_RUNTIME_ROOT, ociRuntimeRoot, "must be absolute");
      }
    }
    if (ociRuntime == null) {
      Path stateRoot = root;
      return SearchPath.find(OciRuntime.DEFAULT_PROGRAM)
          .map(program -> new OciRuntime(program, stateRoot));
    }
    Optional<Path> program =
        ociRuntime.indexOf('/') >= 0 ? program(ociRuntime) : SearchPath.find(ociRuntime);
    if (program.isEmpty()) {
      throw FlagException.invalidValue(
          OCI_RUNTIME,
          ociRuntime,
          "is no executable file"
              + (ociRuntime.indexOf('/') >= 0 ? "" : " on PATH")
              + "; install Debian's runc, or name the runtime's program");
    }
    return Optional.of(new OciRuntime(program.get(), root));
  }

  private static Optional<Path> program(String path) {
    try {
      Path program = Path.of(path).toAbsolutePath();
      return Files.isRegularFile(program) && Files.isExecutable(program)
          ? Optional.of(program)
          : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  /** The agent's own reading of {@code --launcher}: how tasks are confined. */
  private boolean linuxLauncher() {
    return switch (launcher.strip()) {
      case IsolatorConfig.LINUX_LAUNCHER -> true;
      case POSIX_LAUNCHER -> false;
      default ->
          throw FlagException.invalidValue(
              IsolatorConfig.LAUNCHER, launcher, "must be linux or posix");
    };
  }

  /**
   * The configuration of the isolator and its providers: every value as given, for its flag's one
   * parser, in name order as {@link IsolatorConfig#fromFlags} takes them; the booleans typed.
   */
  private IsolatorConfig isolatorConfig(boolean isolatesPorts) {
    Map<String, String> flags = new TreeMap<>();
    if (isolatesPorts) {
      // The isolator refuses every launcher but linux; without it, posix is fine.
      flags.put(IsolatorConfig.LAUNCHER, launcher);
    }
    HostFlags.putIfGiven(flags, IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, watchInterval);
    HostFlags.putIfGiven(flags, IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, isolatedRange);
    HostFlags.putIfGiven(flags, IsolatorConfig.RESOURCES, resources);
    host.putInto(flags);
    ports.putInto(flags);
    return IsolatorConfig.builder()
        .enforceContainerPorts(enforceContainerPorts)
        .checkAgentPortRangeOnly(checkAgentPortRangeOnly)
        .includeUdp(host.includeUdp)
        .flags(flags)
        .build();
  }

  private static void logWhatIsIgnored(Set<String> isolators) {
    Set<String> others = new LinkedHashSet<>(isolators);
    others.remove(AgentSettings.PORTS_ISOLATOR);
    if (!others.isEmpty()) {
      LOG.info("Isolators {} are not provided by Portcullis; they have no effect", others);
    }
    if (!isolators.contains(AgentSettings.PORTS_ISOLATOR)) {
      LOG.info(
          "Ports are not scanned: --{} does not contain {}",
          ISOLATION,
          AgentSettings.PORTS_ISOLATOR);
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
}
