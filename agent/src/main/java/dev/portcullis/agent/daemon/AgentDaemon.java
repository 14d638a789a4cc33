package dev.portcullis.agent.daemon;

import dev.portcullis.agent.StartupException;
import dev.portcullis.core.PortsIsolatorBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent daemon: recovers what a previous run left, then serves the API until closed. Closing it
 * leaves the tasks running, checkpointed, for the next start to recover, as a Mesos agent does when
 * it is stopped.
 */
public final class AgentDaemon implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);

  private final ApiServer server;
  private final Agent agent;

  private AgentDaemon(ApiServer server, Agent agent) {
    this.server = server;
    this.agent = agent;
  }

  /**
   * Binds the API's address, recovers, and starts serving.
   *
   * @throws StartupException if the address cannot be bound or the checkpoint cannot be used;
   *     nothing was killed or launched then
   */
  public static AgentDaemon start(DaemonConfig config) {
    Map<String, String> providers = new LinkedHashMap<>();
    config
        .ports()
        .flatMap(PortsIsolatorBuilder::socketSource)
        .ifPresent(source -> providers.put("socket_source", source.name()));
    providers.put("process_tracker", config.tracker().name());
    config
        .ports()
        .flatMap(PortsIsolatorBuilder::policy)
        .ifPresent(policy -> providers.put("policy", policy.name()));
    config
        .ports()
        .flatMap(PortsIsolatorBuilder::portGuard)
        .ifPresent(guard -> providers.put("port_guard", guard.name()));
    StatusStream stream = new StatusStream();
    Agent agent = new Agent(config, stream, new AgentMetrics(providers), Clock.systemUTC());
    ApiServer server;
    try {
      server = new ApiServer(config.address(), agent, stream, config.users());
    } catch (IOException e) {
      agent.close();
      throw new StartupException(
          "cannot serve the API on " + address(config.address()) + ": " + e.getMessage(), e);
    }
    try {
      agent.start();
    } catch (CheckpointException e) {
      server.close();
      agent.close();
      throw new StartupException(
          e.getMessage() + "; start with --recover=cleanup to kill and forget what it held", e);
    } catch (RuntimeException e) {
      server.close();
      agent.close();
      throw new StartupException("cannot recover: " + e.getMessage(), e);
    }
    server.start();
    LOG.info("Agent serving on http://{}/v1", address(server.address()));
    return new AgentDaemon(server, agent);
  }

  /** Where the API is served; the port the kernel chose, if port 0 was asked for. */
  public InetSocketAddress address() {
    return server.address();
  }

  private static String address(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  /** Stops serving and scanning; the tasks go on running, and the checkpoint is left for them. */
  @Override
  public void close() {
    server.close();
    agent.close();
    LOG.info("Agent stopped; its tasks go on running and will be recovered at the next start");
  }
}
