package dev.portcullis.agent.cli;

import dev.portcullis.core.config.IsolatorConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags that name the enforcement policy and the port guard: a mixin of {@link PortsFlags}, for
 * {@code run} and {@code agent}, and of {@code providers}, which says what they would select. Like
 * the other flags, the values go to core as given.
 */
public final class ProviderNameFlags {

  @Option(
      names = "--" + IsolatorConfig.CONTAINER_PORTS_POLICY,
      paramLabel = "NAME",
      description =
          "The enforcement policy: mesos, grace, or one from --modules_dir. Default: the best"
              + " available (mesos).")
  String policy;

  @Option(
      names = "--" + IsolatorConfig.CONTAINER_PORTS_GUARD,
      paramLabel = "NAME",
      defaultValue = IsolatorConfig.NO_GUARD,
      description =
          "The port guard, which makes the kernel refuse a task's bind() to a port it was not"
              + " allocated: bpf (cgroup v2 BPF bind hooks), one from --modules_dir, or none, as in"
              + " Mesos, where only scans enforce. Naming one that cannot work here is a start-up"
              + " error. Default: ${DEFAULT-VALUE}.")
  String guard;

  /** Puts the policy's name when given, and the guard's (or {@code none}), into {@code flags}. */
  void putInto(Map<String, String> flags) {
    HostFlags.putIfGiven(flags, IsolatorConfig.CONTAINER_PORTS_POLICY, policy);
    flags.put(IsolatorConfig.CONTAINER_PORTS_GUARD, guard);
  }
}
