package dev.portcullis.agent.daemon;

import dev.portcullis.agent.checkpoint.CheckpointException;
import dev.portcullis.agent.checkpoint.CheckpointJournal;
import dev.portcullis.agent.cli.StartupException;
import dev.portcullis.agent.executor.CoreLoop;
import dev.portcullis.agent.executor.CoreSettings;
import dev.portcullis.agent.executor.ExecutorCore;
import dev.portcullis.agent.executor.ExecutorRecord;
import dev.portcullis.agent.executor.SandboxLauncher;
import dev.portcullis.agent.executor.TaskLayout;
import dev.portcullis.agent.http.AgentMetrics;
import dev.portcullis.agent.http.ApiServer;
import dev.portcullis.agent.http.StatusFeed;
import dev.portcullis.agent.http.StatusStream;
import dev.portcullis.agent.updates.UpdateLog;
import dev.portcullis.agent.updates.UpdateLogException;
import dev.portcullis.core.PortsIsolatorBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent daemon: the executor core behind HTTP and a checkpoint. It recovers what a previous run
 * left, then serves the API until closed. Closing it leaves the tasks running, checkpointed, for
 * the next start to recover, as a Mesos agent does when it is stopped.
 */
public final class AgentDaemon implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);

  private final ApiServer server;
  private final CoreLoop loop;
  private final StatusFeed feed;
  private final UpdateLog log;

  private AgentDaemon(ApiServer server, CoreLoop loop, StatusFeed feed, UpdateLog log) {
    this.server = server;
    this.loop = loop;
    this.feed = feed;
    this.log = log;
  }

  /**
   * Binds the API's address, recovers, and starts serving.
   *
   * @throws StartupException if the address cannot be bound or the checkpoint cannot be used;
   *     nothing was killed or launched then
   */
  public static AgentDaemon start(DaemonConfig config) {
    UpdateLog log = openLog(config);
    StatusFeed feed = new StatusFeed(log, new StatusStream());
    AgentMetrics metrics = new AgentMetrics(providers(config));
    CheckpointJournal journal =
        new CheckpointJournal(config.workDir(), config.cgroupsRoot(), config.tracker().name());
    Optional<PortsIsolatorBuilder> ports = config.ports();
    ExecutorCore core =
        new ExecutorCore(
            config.tracker(),
            ports,
            new SandboxLauncher(config.workDir(), config.users(), config.oci()),
            feed,
            new LoggedJournal(journal, log),
            metrics,
            new CoreSettings(TaskLayout.NESTED, config.maxCompletedExecutors()),
            Clock.systemUTC());
    CoreLoop loop = new CoreLoop(core, "portcullis-agent");
    ApiServer server;
    try {
      server = new ApiServer(config.address(), loop, feed, metrics, config.users(), config.oci());
    } catch (IOException e) {
      loop.close();
      log.close();
      throw new StartupException(
          "cannot serve the API on " + address(config.address()) + ": " + e.getMessage(), e);
    }
    try {
      recover(loop, journal, log, config.recoverCleanup());
    } catch (CheckpointException e) {
      server.close();
      loop.close();
      log.close();
      throw new StartupException(
          e.getMessage() + "; start with --recover=cleanup to kill and forget what it held", e);
    } catch (RuntimeException e) {
      server.close();
      loop.close();
      log.close();
      throw new StartupException("cannot recover: " + e.getMessage(), e);
    }
    loop.start(config.config().watchInterval());
    server.start();
    LOG.info("Agent serving on http://{}/v1", address(server.address()));
    return new AgentDaemon(server, loop, feed, log);
  }

  /**
   * Opens the status update log, strictly; with {@code --recover=cleanup}, moves it aside and
   * starts a fresh one whose sequence numbers go on from the old one's.
   */
  private static UpdateLog openLog(DaemonConfig config) {
    int retained = config.maxUnacknowledgedUpdates();
    if (config.recoverCleanup()) {
      try {
        UpdateLog log = UpdateLog.openAfresh(config.workDir(), retained);
        log.discarded()
            .ifPresent(
                aside -> LOG.warn("--recover=cleanup: moved the old update log to {}", aside));
        return log;
      } catch (IOException e) {
        throw new StartupException(
            "cannot start a fresh status update log in " + config.workDir() + ": " + e.getMessage(),
            e);
      }
    }
    try {
      return UpdateLog.open(config.workDir(), retained);
    } catch (UpdateLogException e) {
      throw new StartupException(
          e.getMessage()
              + "; start with --recover=cleanup to kill and forget what the agent held and start"
              + " a fresh log",
          e);
    }
  }

  private static Map<String, String> providers(DaemonConfig config) {
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
    return providers;
  }

  /**
   * Recovers what the checkpoint and the cgroups root hold; with {@code cleanup}, kills and forgets
   * it all instead, even a corrupt checkpoint. The checkpoint is not written before every executor
   * it recorded is held again, so a checkpoint that cannot be read is left as it was.
   */
  private static void recover(
      CoreLoop loop, CheckpointJournal journal, UpdateLog log, boolean cleanup)
      throws CheckpointException {
    Optional<List<ExecutorRecord>> recorded;
    try {
      recorded = journal.read();
    } catch (CheckpointException e) {
      if (!cleanup) {
        throw e;
      }
      LOG.warn("--recover=cleanup: ignoring the checkpoint: {}", e.getMessage());
      recorded = Optional.empty();
    }
    List<ExecutorRecord> executors = recorded.orElse(List.of());
    loop.call(
        core -> {
          try {
            if (cleanup) {
              journal
                  .discard()
                  .ifPresent(aside -> LOG.warn("Moved the old checkpoint to {}", aside));
              core.cleanUpEverything();
            } else {
              core.recover(executors, log.lastReportedAtOpen());
              LOG.info("Recovered from {}", journal.file());
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return null;
        });
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
    try {
      loop.call(
          core -> {
            core.save();
            return null;
          });
    } catch (RuntimeException e) {
      LOG.warn("Could not write the last checkpoint: {}", e.getMessage());
    }
    loop.close();
    feed.retryPending();
    log.close();
    LOG.info("Agent stopped; its tasks go on running and will be recovered at the next start");
  }
}
