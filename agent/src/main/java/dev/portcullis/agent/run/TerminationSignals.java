package dev.portcullis.agent.run;

import dev.portcullis.agent.cli.SignalHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every way {@code portcullis run} can be told to stop into a request to kill the task, so
 * that the run's own thread kills it, removes its cgroup and reports it, and no process or cgroup
 * outlives the run.
 *
 * <p>SIGTERM and SIGINT are handled directly; they would otherwise end the JVM at once. Any other
 * shutdown of the JVM (SIGHUP when the terminal closes, for one) reaches a shutdown hook, which
 * makes the same request, holds the JVM until the run has reported, for a bounded time, and then
 * ends it with the run's exit status rather than the signal's.
 */
final class TerminationSignals {

  private static final Logger LOG = LoggerFactory.getLogger(TerminationSignals.class);

  private static final List<String> HANDLED = List.of("TERM", "INT");

  /** Longer than a kill and a removal by the process tracker take at worst. */
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

  private TerminationSignals() {}

  /**
   * Installs the handlers and the shutdown hook.
   *
   * @param stop receives the message of the {@code TASK_KILLED} update to report; called on a
   *     signal-handling or shutdown thread, possibly more than once
   * @param exitStatus completed with the run's exit status once it has reported its terminal state,
   *     or has failed to start; the shutdown hook waits for it
   */
  static void install(Consumer<String> stop, CompletableFuture<Integer> exitStatus) {
    for (String name : HANDLED) {
      try {
        SignalHandlers.handle(
            name,
            signal -> {
              LOG.info("Received SIG{}: killing the task", signal);
              stop.accept("Killed by SIG" + signal + " to portcullis run");
            });
      } catch (IllegalArgumentException e) {
        // For example under -Xrs: the shutdown hook below is then the only safeguard.
        LOG.warn("Cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (exitStatus.isDone()) {
                    return; // The run is over and exits as it should.
                  }
                  stop.accept("Killed because portcullis run is shutting down");
                  awaitReport(exitStatus).ifPresent(status -> Runtime.getRuntime().halt(status));
                },
                "portcullis-run-shutdown"));
  }

  private static Optional<Integer> awaitReport(CompletableFuture<Integer> exitStatus) {
    try {
      return Optional.of(exitStatus.get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      LOG.error(
          "The JVM is shutting down and the task was not cleaned up within {}; its cgroup may"
              + " remain",
          SHUTDOWN_WAIT);
    } catch (ExecutionException e) {
      LOG.error("The run failed while the JVM was shutting down", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.error("Interrupted while waiting for the task to be cleaned up; its cgroup may remain");
    }
    return Optional.empty();
  }
}
