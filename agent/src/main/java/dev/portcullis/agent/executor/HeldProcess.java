package dev.portcullis.agent.executor;

import java.io.IOException;
import java.util.Optional;

/**
 * A task's first process, started held: it runs nothing of the task's until released, so that it
 * can be placed in the task's container first and the command never runs outside it.
 */
public interface HeldProcess {

  /** The process's id; once released, the task's. */
  long pid();

  /**
   * Lets the process run the task's command. Never called after {@link #destroyForcibly()}.
   *
   * @throws IOException if the process has already exited on its own
   */
  void release() throws IOException;

  /**
   * The exit status, once the process has exited and been reaped; never blocks.
   *
   * @throws IOException if the status can never be known, as when something else reaped the
   *     process: its recorded status, if any, is all that is left
   */
  Optional<Integer> exitStatus() throws IOException;

  /**
   * What counts this process's end, if something does: a count that grows once its {@link
   * #exitStatus()} tells that it has ended, or that it never can. A look for ended tasks that finds
   * the count as it was need not ask this process again. Empty, the default: ask at every look.
   */
  default Optional<EndCount> endCount() {
    return Optional.empty();
  }

  /** Kills the process if it is still alive, as for one that could not be placed. */
  void destroyForcibly();
}
