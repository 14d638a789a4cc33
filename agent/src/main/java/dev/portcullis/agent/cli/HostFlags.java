package dev.portcullis.agent.cli;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * The flags that say which providers to use and where the containers' cgroups are, shared by every
 * command that looks at the host ({@code run}, {@code agent}, {@code scan}): one declaration, one
 * help text, one way into the configuration. The values go on as given: provider names to core's
 * parser, cgroup settings to the providers, which read them.
 */
public final class HostFlags {

  private static final String CGROUPS_HIERARCHY = "cgroups_hierarchy";

  @Option(
      names = "--" + IsolatorConfig.SOCKET_SOURCE,
      paramLabel = "NAME",
      description =
          "The socket source: netlink or procfs. Default: the system property"
              + " portcullis.socket_source, else the best available.")
  String socketSource;

  @Option(
      names = "--" + IsolatorConfig.PROCESS_TRACKER,
      paramLabel = "NAME",
      description =
          "The process tracker, which finds the containers: cgroups-v2 or cgroups-v1. Default:"
              + " the system property portcullis.process_tracker, else the best available.")
  String processTracker;

  @Option(
      names = "--" + CGROUPS_HIERARCHY,
      paramLabel = "DIR",
      description =
          "The base directory where the cgroup hierarchies are mounted. Default: found in the"
              + " mount table.")
  String cgroupsHierarchy;

  /** Always given to the providers, so that the daemon's checkpoint can record the root used. */
  @Option(
      names = "--" + ProcessTracker.CGROUPS_ROOT_SETTING,
      paramLabel = "PATH",
      defaultValue = ProcessTracker.DEFAULT_CGROUPS_ROOT,
      description =
          "The cgroup, relative to each hierarchy, under which the containers live."
              + " Default: ${DEFAULT-VALUE}.")
  String cgroupsRoot;

  /** Typed, unlike the others: only picocli sees the Mesos forms --name and --no-name. */
  @Option(
      names = "--" + IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP,
      negatable = true,
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "false",
      paramLabel = "true|false",
      description =
          "Include bound UDP sockets, not only listening TCP ones. Default: ${DEFAULT-VALUE}.")
  boolean includeUdp;

  /**
   * Puts the flags given, but for {@link #includeUdp}, by their names without {@code --}, into
   * {@code flags}.
   */
  void putInto(Map<String, String> flags) {
    flags.put(ProcessTracker.CGROUPS_ROOT_SETTING, cgroupsRoot);
    putIfGiven(flags, IsolatorConfig.SOCKET_SOURCE, socketSource);
    putIfGiven(flags, IsolatorConfig.PROCESS_TRACKER, processTracker);
    putIfGiven(flags, CGROUPS_HIERARCHY, cgroupsHierarchy);
  }

  /** Puts a flag that was given; one that was not is left to its default. */
  static void putIfGiven(Map<String, String> flags, String name, String value) {
    if (value != null) {
      flags.put(name, value);
    }
  }

  /** The configuration these flags alone describe, for a command that enforces nothing. */
  public IsolatorConfig config() {
    Map<String, String> flags = new TreeMap<>();
    putInto(flags);
    return IsolatorConfig.builder().includeUdp(includeUdp).flags(flags).build();
  }
}
