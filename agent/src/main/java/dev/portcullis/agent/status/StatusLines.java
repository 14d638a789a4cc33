package dev.portcullis.agent.status;

import dev.portcullis.agent.executor.StatusSink;
import dev.portcullis.agent.executor.TaskStatus;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code portcullis run}'s standard output: one JSON status update per line, flushed at once since
 * a reader may be waiting for it, without the executor, which {@code run} does not show.
 *
 * <p>Output begins with {@code TASK_STARTING}: a terminal update for a task that never got that far
 * (its container could not be made) is not written, since {@code run} reports that as a start-up
 * failure instead, with nothing on standard output.
 */
public final class StatusLines implements StatusSink {

  private static final Logger LOG = LoggerFactory.getLogger(StatusLines.class);

  private final PrintWriter out;
  private final CompletableFuture<TaskStatus> terminal = new CompletableFuture<>();
  private boolean started;
  private boolean outputFailed;

  public StatusLines(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void publish(TaskStatus update) {
    if (update.state().isTerminal()) {
      terminal.complete(update);
      if (!started) {
        return;
      }
    }
    started = true;
    out.println(StatusJson.line(update.withoutExecutor()));
    out.flush();
    if (out.checkError() && !outputFailed) {
      outputFailed = true;
      LOG.warn("Cannot write status updates to standard output (closed?); the task goes on");
    }
  }

  /** Completes with the task's terminal update, written or not. */
  public CompletableFuture<TaskStatus> terminal() {
    return terminal;
  }
}
