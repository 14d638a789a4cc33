package dev.portcullis.agent.daemon;

import dev.portcullis.agent.TaskUsers;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.SocketSource;
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
 * @param config the isolator's configuration
 * @param cgroupsRoot the process tracker's cgroups root, checked against the checkpoint's
 * @param tracker the process tracker, which runs every task in its cgroup
 * @param users which user each task runs as ({@code --switch_user})
 * @param ports the socket source and policy when ports are isolated ({@code --isolation} holds
 *     {@code network/ports}); empty when they are not
 */
public record DaemonConfig(
    Path workDir,
    InetSocketAddress address,
    boolean recoverCleanup,
    int maxCompletedExecutors,
    IsolatorConfig config,
    String cgroupsRoot,
    ProcessTracker tracker,
    TaskUsers users,
    Optional<PortsProviders> ports) {

  /** Checks for nulls. */
  public DaemonConfig {
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(cgroupsRoot, "cgroupsRoot");
    Objects.requireNonNull(tracker, "tracker");
    Objects.requireNonNull(users, "users");
    Objects.requireNonNull(ports, "ports");
  }

  /**
   * The providers the ports isolator needs besides the process tracker.
   *
   * @param source lists the host's listening sockets
   * @param policy judges violations
   */
  public record PortsProviders(
      SocketSource source, EnforcementPolicy policy, Optional<PortGuard> guard) {}
}
