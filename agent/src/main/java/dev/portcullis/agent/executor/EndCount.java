package dev.portcullis.agent.executor;

/**
 * A count of ended processes that only grows, shared by every process one reaper reaps: how many of
 * them have ended so far. Reading the same count twice means that none of them ended in between, so
 * a thousand running tasks need not be asked, one by one, five times a second. Two counts are equal
 * when they count the same processes.
 */
public interface EndCount {

  /** {@return how many of the processes counted have ended so far} */
  long ended();
}
