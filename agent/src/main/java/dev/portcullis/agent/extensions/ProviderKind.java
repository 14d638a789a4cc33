package dev.portcullis.agent.extensions;

import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Provider;
import dev.portcullis.api.SocketSource;
import dev.portcullis.core.config.IsolatorConfig;

/**
 * The four kinds of provider the agent selects, in the order it selects them, each with its words
 * and the flag that names the one to use.
 */
public enum ProviderKind {
  SOCKET_SOURCE(SocketSource.class, "socket source", IsolatorConfig.SOCKET_SOURCE),
  ENFORCEMENT_POLICY(
      EnforcementPolicy.class, "enforcement policy", IsolatorConfig.CONTAINER_PORTS_POLICY),
  PROCESS_TRACKER(ProcessTracker.class, "process tracker", IsolatorConfig.PROCESS_TRACKER),
  PORT_GUARD(PortGuard.class, "port guard", IsolatorConfig.CONTAINER_PORTS_GUARD);

  private final Class<? extends Provider> type;
  private final String label;
  private final String flag;

  ProviderKind(Class<? extends Provider> type, String label, String flag) {
    this.type = type;
    this.label = label;
    this.flag = flag;
  }

  /** The SPI, such as {@code SocketSource.class}. */
  public Class<? extends Provider> type() {
    return type;
  }

  /** The kind in words, as core's messages say it: {@code socket source}. */
  public String label() {
    return label;
  }

  /** The flag, without {@code --}, that names the provider to use: {@code socket_source}. */
  public String flag() {
    return flag;
  }
}
