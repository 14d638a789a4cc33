package dev.portcullis.agent.daemon;

import dev.portcullis.agent.cli.HostProviders;
import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.oci.OciRuntime;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.core.PortsIsolatorBuilder;
import dev.portcullis.core.config.IsolatorConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the agent daemon runs with, every flag validated and every provider selected.
 *
 * @param workDir where the checkpoint and the task sandboxes live; must exist
 * @param address where the API is served
 * @param recoverCleanup whether to kill and forget whatever the work directory and the cgroups root
 *     hold, instead of recovering it
 * @param maxCompletedExecutors how many terminated executors are kept for listing
 * @param maxUnacknowledgedUpdates how many unacknowledged status updates are kept for replay
 * @param config the isolator's configuration
 * @param users which user each task runs as ({@code --switch_user})
 * @param oci the OCI runtime that runs tasks naming a container, if the agent has one
 * @param host the process tracker, and the ports isolator's builder when ports are isolated
 */
public record DaemonConfig(
    Path workDir,
    InetSocketAddress address,
    boolean recoverCleanup,
    int maxCompletedExecutors,
    int maxUnacknowledgedUpdates,
    IsolatorConfig config,
    TaskUsers users,
    Optional<OciRuntime> oci,
    HostProviders.Host host) {

  /** Checks for nulls. */
  public DaemonConfig {
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(address, "address");
    if (maxUnacknowledgedUpdates < 1) {
      throw new IllegalArgumentException("at least one unacknowledged update must be kept");
    }
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(users, "users");
    Objects.requireNonNull(oci, "oci");
    Objects.requireNonNull(host, "host");
  }

  /** The process tracker, which runs every task in its cgroup. */
  public ProcessTracker tracker() {
    return host.tracker();
  }

  /**
   * The ports isolator's builder, every provider set, when ports are isolated ({@code --isolation}
   * holds {@code network/ports}); empty when they are not.
   */
  public Optional<PortsIsolatorBuilder> ports() {
    return host.ports();
  }

  /** The process tracker's cgroups root, as the flags gave it; checked against the checkpoint's. */
  public String cgroupsRoot() {
    return config
        .providerSettings()
        .get(ProcessTracker.CGROUPS_ROOT_SETTING)
        .orElse(ProcessTracker.DEFAULT_CGROUPS_ROOT);
  }
}
