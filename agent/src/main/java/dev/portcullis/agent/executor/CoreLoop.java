package dev.portcullis.agent.executor;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread an {@link ExecutorCore} runs on: every call is made there, and so are the periodic
 * reaping of ended tasks and the scans, one scheduler for all of them. A slow kill delays other
 * calls, within the process tracker's bound.
 */
public final class CoreLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CoreLoop.class);

  /** How often tasks are checked for having ended; a task's own exit is noticed within this. */
  public static final Duration REAP_INTERVAL = Duration.ofMillis(200);

  /** Longer than a kill and a removal by the process tracker take at worst. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final ExecutorCore core;
  private final ScheduledThreadPoolExecutor thread;

  /** A loop for {@code core}; nothing runs until called or {@link #start started}. */
  public CoreLoop(ExecutorCore core, String threadName) {
    this.core = core;
    this.thread =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread loop = new Thread(runnable, threadName);
              loop.setDaemon(true);
              return loop;
            });
    thread.setRemoveOnCancelPolicy(true);
  }

  /**
   * Starts reaping every {@link #REAP_INTERVAL} and, when ports are isolated, scanning every {@code
   * scanInterval}.
   */
  public void start(Duration scanInterval) {
    schedule("Checking tasks", core::reap, REAP_INTERVAL);
    if (core.isolatesPorts()) {
      schedule("Scanning", core::scan, scanInterval);
    }
  }

  private void schedule(String what, Runnable work, Duration interval) {
    // Never cancelled but by close(), and never failing: its future says nothing worth keeping.
    // A periodic task that throws is never run again: never let it.
    var unused =
        thread.scheduleWithFixedDelay(
            logged(what + " failed; will try again", work),
            interval.toNanos(),
            interval.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  /** {@code work}, its runtime failure logged with {@code failure} rather than thrown. */
  private static Runnable logged(String failure, Runnable work) {
    return () -> {
      try {
        work.run();
      } catch (RuntimeException e) {
        LOG.error(failure, e);
      }
    };
  }

  /**
   * Runs {@code work} on the loop and waits for it; its runtime exceptions are rethrown as they
   * are.
   *
   * @throws IllegalStateException if the loop is stopping, or the wait was interrupted
   */
  public <T> T call(Function<ExecutorCore, T> work) {
    Future<T> result = thread.submit(() -> work.apply(core));
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the agent", e);
    } catch (CancellationException e) {
      throw new IllegalStateException("the agent is stopping", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  /** Runs {@code work} on the loop later, without waiting; a failure is logged. */
  public void submit(String what, Runnable work) {
    try {
      thread.execute(logged(what + " failed", work));
    } catch (RejectedExecutionException e) {
      LOG.info("{}: not done, the agent has stopped", what);
    }
  }

  /**
   * Stops reaping and scanning, once the call under way has returned, then closes the core's
   * isolator. The tasks go on running. The call under way is never interrupted: a teardown cut
   * short would leave a cgroup behind.
   */
  @Override
  public void close() {
    // Cancels the periodic work; what was submitted already still runs.
    thread.shutdown();
    try {
      if (!thread.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.error("The agent's loop did not stop within {}; interrupting it", STOP_WAIT);
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
    core.close();
  }
}
