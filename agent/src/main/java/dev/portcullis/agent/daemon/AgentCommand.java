package dev.portcullis.agent.daemon;

import dev.portcullis.agent.cli.AgentFlags;
import dev.portcullis.agent.cli.AgentSettings;
import dev.portcullis.agent.cli.HostProviders;
import dev.portcullis.agent.cli.SignalHandlers;
import dev.portcullis.agent.cli.StartupException;
import dev.portcullis.core.config.FlagException;
import dev.portcullis.core.config.IsolatorConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis agent}: the agent daemon. It serves an HTTP/JSON API through which executors
 * (task groups) are launched into cgroups, updated, killed and listed, and their status updates
 * streamed; it enforces their ports; it checkpoints everything under {@code --work_dir} and, when
 * restarted, recovers the tasks still running.
 *
 * <p>Standard output carries one line, the API's base address, once the agent serves. SIGTERM or
 * SIGINT stops the agent and leaves its tasks running, to be recovered by the next start, as a
 * Mesos agent does; {@code --recover=cleanup} kills them instead.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the agent daemon: an HTTP/JSON API under /v1 to launch executors (task groups), update"
          + " their resources, kill them, list them and stream their status updates; /metrics in"
          + " the Prometheus text format; /health.",
      "",
      "It checkpoints every executor and task under --work_dir and, when restarted, recovers the"
          + " tasks still running and enforces their ports from the first scan. SIGTERM or SIGINT"
          + " stops the agent and leaves the tasks running for the next start.",
      "",
      "Standard output carries one line, the API's address, once it serves; logs go to standard"
          + " error.",
      ""
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:stopped by SIGTERM or SIGINT",
      "2:a bad flag or a start-up failure (such as an unreadable checkpoint)"
    })
public final class AgentCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

  private static final String WORK_DIR = "work_dir";
  private static final String RECOVER = "recover";
  @Spec CommandSpec spec;

  @Mixin AgentFlags agent;

  @Option(
      names = "--work_dir",
      required = true,
      paramLabel = "DIR",
      description =
          "Where the checkpoint and the tasks' sandboxes live; created if missing. One agent at a"
              + " time may use it.")
  String workDir;

  @Option(
      names = "--ip",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "The address to serve the API on. Default: ${DEFAULT-VALUE}.")
  String ip;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "5051",
      description =
          "The port to serve the API on; 0 lets the kernel choose. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--recover",
      paramLabel = "reconnect|cleanup",
      defaultValue = "reconnect",
      description =
          "reconnect: recover the checkpointed tasks still running and enforce them again."
              + " cleanup: kill every container under --cgroups_root and forget the checkpoint,"
              + " even a corrupt one. Default: ${DEFAULT-VALUE}.")
  String recover;

  @Option(
      names = "--max_completed_executors",
      paramLabel = "N",
      defaultValue = "100",
      description =
          "How many terminated executors are kept for listing, with their sandboxes. Default:"
              + " ${DEFAULT-VALUE}.")
  int maxCompletedExecutors;

  @Option(
      names = "--max_unacknowledged_updates",
      paramLabel = "N",
      defaultValue = "10000",
      description =
          "How many status updates are kept for replay (GET /v1/events?after=SEQ) until they are"
              + " acknowledged; beyond that, the oldest are dropped and counted in"
              + " portcullis_status_updates_dropped_total. Default: ${DEFAULT-VALUE}.")
  int maxUnacknowledgedUpdates;

  @Override
  public Integer call() throws InterruptedException {
    AgentSettings settings = agent.settings();
    if (!settings.linuxLauncher()) {
      throw FlagException.invalidValue(
          IsolatorConfig.LAUNCHER,
          "posix",
          "the agent daemon needs a cgroup per task to find its tasks again after a restart; use"
              + " linux");
    }
    boolean cleanup = recoverMode();
    if (port < 0 || port > 65535) {
      throw FlagException.invalidValue("port", String.valueOf(port), "must be 0 to 65535");
    }
    if (maxCompletedExecutors < 0) {
      throw FlagException.invalidValue(
          "max_completed_executors", String.valueOf(maxCompletedExecutors), "must be 0 or more");
    }
    if (maxUnacknowledgedUpdates < 1) {
      throw FlagException.invalidValue(
          "max_unacknowledged_updates",
          String.valueOf(maxUnacknowledgedUpdates),
          "must be 1 or more");
    }
    InetSocketAddress address = address();
    Path directory = workDirectory();
    IsolatorConfig config = settings.config();
    WorkDirLock lock = WorkDirLock.acquire(directory);
    try (lock) {
      // Under the lock, so that a second agent on this work directory probes nothing.
      HostProviders.Host host = HostProviders.select(settings);
      if (settings.isolatesPorts()) {
        LOG.info("Isolator network/ports: {}", config.describe());
      }
      DaemonConfig daemonConfig =
          new DaemonConfig(
              directory,
              address,
              cleanup,
              maxCompletedExecutors,
              maxUnacknowledgedUpdates,
              config,
              settings.users(),
              settings.oci(),
              host);
      CountDownLatch stop = new CountDownLatch(1);
      installStopSignals(stop);
      try (AgentDaemon daemon = AgentDaemon.start(daemonConfig)) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("http://" + hostForUrl(daemon.address()) + ":" + daemon.address().getPort());
        out.flush();
        stop.await();
      }
      return 0;
    } catch (IOException e) {
      throw new StartupException(
          "cannot unlock the work directory " + directory + ": " + e.getMessage(), e);
    }
  }

  private boolean recoverMode() {
    return switch (recover.strip()) {
      case "reconnect" -> false;
      case "cleanup" -> true;
      default -> throw FlagException.invalidValue(RECOVER, recover, "must be reconnect or cleanup");
    };
  }

  private InetSocketAddress address() {
    try {
      return new InetSocketAddress(InetAddress.getByName(ip.strip()), port);
    } catch (UnknownHostException e) {
      throw FlagException.invalidValue("ip", ip, "is not an address of this host", e);
    }
  }

  private Path workDirectory() {
    Path directory;
    try {
      directory = Path.of(workDir).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw FlagException.invalidValue(WORK_DIR, workDir, e.getMessage(), e);
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw FlagException.invalidValue(WORK_DIR, workDir, "cannot be created: " + e, e);
    }
    return directory;
  }

  private static String hostForUrl(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** SIGTERM and SIGINT stop the agent cleanly; its tasks are left running. */
  private static void installStopSignals(CountDownLatch stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        SignalHandlers.handle(
            name,
            signal -> {
              LOG.info("Received SIG{}: stopping the agent; tasks go on running", signal);
              stop.countDown();
            });
      } catch (IllegalArgumentException e) {
        LOG.warn("Cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
  }
}
