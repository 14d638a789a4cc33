package dev.portcullis.agent.executor;

/**
 * Stops the agent at its n-th step that the host or a later agent can see — a journal save, a
 * status update, a kill — just before that step, as a SIGKILL there would: the step is not taken,
 * and nothing after it runs.
 */
final class Crashes {

  /** The agent stopping; an error, so that no {@code catch (RuntimeException e)} can stop it. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash(String step) {
      super("crashed before " + step);
    }
  }

  private int countdown;
  private int steps;

  /** Crashes just before the {@code n}-th step from now; {@code n} of 0 never crashes. */
  void before(int n) {
    this.countdown = n;
  }

  /** A step is about to be taken. */
  void step(String what) {
    steps++;
    if (countdown > 0 && --countdown == 0) {
      throw new Crash(what);
    }
  }

  /** The steps taken or attempted so far. */
  int steps() {
    return steps;
  }
}
