package dev.portcullis.agent;

import dev.portcullis.core.config.IsolatorConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags that say which providers to use and where the containers' cgroups are, shared by
 * every command that looks at the host ({@code run}, {@code scan}): one declaration, one help text,
 * one way into the flag map.
 */
final class HostFlags {

  /** The cgroups-root setting the trackers read. */
  static final String CGROUPS_ROOT = "cgroups_root";

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

  @Option(
      names = "--" + CGROUPS_ROOT,
      paramLabel = "PATH",
      defaultValue = "portcullis",
      description =
          "The cgroup, relative to each hierarchy, under which the containers live."
              + " Default: ${DEFAULT-VALUE}.")
  String cgroupsRoot;

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

  /** Puts the given flags, by their names without {@code --}, into {@code flags}. */
  void putInto(Map<String, String> flags) {
    flags.put(IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP, Boolean.toString(includeUdp));
    flags.put(CGROUPS_ROOT, cgroupsRoot);
    if (socketSource != null) {
      flags.put(IsolatorConfig.SOCKET_SOURCE, socketSource);
    }
    if (processTracker != null) {
      flags.put(IsolatorConfig.PROCESS_TRACKER, processTracker);
    }
    if (cgroupsHierarchy != null) {
      flags.put(CGROUPS_HIERARCHY, cgroupsHierarchy);
    }
  }
}
