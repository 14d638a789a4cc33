package dev.portcullis.linux;

/** Sending signals to processes that this JVM did not start. */
public final class Signals {

  private Signals() {}

  /**
   * Sends SIGKILL to the process, if it still lives. The JDK sends it with {@code kill(2)} and
   * checks the process's start time first, so a recycled pid is never hit.
   *
   * @param pid the process to kill
   * @return whether the process existed and the signal was sent
   * @throws IllegalStateException if {@code pid} is this JVM's own process, which the JDK refuses
   *     to kill
   */
  public static boolean kill(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
  }
}
