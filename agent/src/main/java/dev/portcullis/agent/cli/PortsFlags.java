package dev.portcullis.agent.cli;

import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.policy.GracePolicy;
import dev.portcullis.core.policy.KillScopeSetting;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Portcullis's own flags for the ports isolator, beyond the Mesos agent's: the policy, the port
 * guard and how often a scan is a full exact one. A mixin of {@link AgentFlags}; like it, it hands
 * each value to core as given, or leaves the setting to its default when none is given.
 */
final class PortsFlags {

  /** The bpf guard's own setting, which only it reads and parses. */
  static final String GUARD_STOP_LISTENERS = "container_ports_guard_stop_listeners";

  @Mixin ProviderNameFlags names;

  @Option(
      names = "--" + GracePolicy.GRACE_SCANS_SETTING,
      paramLabel = "N",
      description =
          "For the grace policy: kill only after N consecutive scans saw the same violation."
              + " Default: "
              + GracePolicy.DEFAULT_GRACE_SCANS
              + ".")
  String graceScans;

  @Option(
      names = "--" + KillScopeSetting.NAME,
      paramLabel = "root|offender",
      description =
          "For the built-in policies: what a kill kills. root: the executor's whole tree, with the"
              + " limitation on the executor, as Mesos does. offender: only the task container"
              + " listening, which fails with the limitation while the other tasks of its group go"
              + " on. Default: root.")
  String killScope;

  @Option(
      names = "--" + IsolatorConfig.CONTAINER_PORTS_GUARD_MODE,
      paramLabel = "scope|strict",
      description =
          "Which binds the guard refuses. scope: a port in the checked scope that is not"
              + " allocated. strict: any named port that is not allocated, even outside the scope;"
              + " the kernel's picks for bind(0) still follow the scope. Default: "
              + IsolatorConfig.DEFAULT_GUARD_MODE_TEXT
              + ".")
  String guardMode;

  /** Null unless given: the guard keeps its own default then. */
  @Option(
      names = "--" + GUARD_STOP_LISTENERS,
      negatable = true,
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "Where the kernel allows it, the bpf guard kills at once a process that calls listen()"
              + " on a socket it never bound when the port the kernel picked is not allowed; with"
              + " false such a listener is left to the next scan. Default: true, the guard's own.")
  Boolean guardStopsListeners;

  @Option(
      names = "--" + IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY,
      paramLabel = "N",
      description =
          "When scans attribute sockets by cgroup id, every Nth scan (and the first) is a full"
              + " exact one, by the sockets' holders or every process's descriptors. Default: "
              + IsolatorConfig.DEFAULT_FULL_SCAN_EVERY
              + ".")
  String fullScanEvery;

  /**
   * Puts the flags given, by their names without {@code --}, into {@code flags}.
   *
   * @throws dev.portcullis.core.config.FlagException if the grace count or the kill scope is bad
   */
  void putInto(Map<String, String> flags) {
    if (graceScans != null) {
      // Only the grace policy reads it, and only once selected: its own reading checks it now, so
      // that a bad value is never silently ignored under another policy.
      GracePolicy.graceScans(graceScans);
    }
    names.putInto(flags);
    HostFlags.putIfGiven(flags, GracePolicy.GRACE_SCANS_SETTING, graceScans);
    if (killScope != null) {
      // Read by the built-in policies once selected; checked now, whichever policy is selected.
      KillScopeSetting.parse(killScope);
    }
    HostFlags.putIfGiven(flags, KillScopeSetting.NAME, killScope);
    HostFlags.putIfGiven(flags, IsolatorConfig.CONTAINER_PORTS_GUARD_MODE, guardMode);
    if (guardStopsListeners != null) {
      // Providers take their settings as text: the guard reads this one itself.
      flags.put(GUARD_STOP_LISTENERS, guardStopsListeners.toString());
    }
    HostFlags.putIfGiven(flags, IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, fullScanEvery);
  }
}
