package dev.portcullis.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The POSIX launcher's confinement: the task's process tree, without a cgroup. As with the Mesos
 * POSIX launcher, a process that leaves the tree (a daemon that double-forks, or a child orphaned
 * by the task's exit) cannot be found, so it is not killed.
 */
final class ProcessTreeConfinement implements TaskConfinement {

  private static final Duration KILL_BOUND = Duration.ofSeconds(10);
  private static final long RETRY_MILLIS = 20;

  private volatile Optional<ProcessHandle> root = Optional.empty();

  @Override
  public void create() {
    // Nothing to make: the tree exists once the task's first process does.
  }

  @Override
  public void place(long pid) throws IOException {
    root =
        Optional.of(
            ProcessHandle.of(pid).orElseThrow(() -> new IOException("pid " + pid + " has exited")));
  }

  /**
   * Kills the descendants, again and again while the root lives so that none escapes by forking
   * meanwhile, then the root: killing the root first would orphan its children out of the tree.
   */
  @Override
  public void killAll() throws IOException {
    if (root.isEmpty()) {
      return;
    }
    ProcessHandle task = root.get();
    long deadline = System.nanoTime() + KILL_BOUND.toNanos();
    while (task.isAlive()) {
      List<ProcessHandle> descendants = task.descendants().collect(Collectors.toList());
      descendants.forEach(ProcessHandle::destroyForcibly);
      if (descendants.isEmpty() || descendants.stream().noneMatch(ProcessHandle::isAlive)) {
        task.destroyForcibly();
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the task's process tree (pid " + task.pid() + ") is still alive after " + KILL_BOUND);
      }
      sleep();
    }
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(RETRY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while killing the task", e);
    }
  }

  @Override
  public void remove() {
    // Nothing was made.
  }

  @Override
  public String describe() {
    return "its process tree (launcher posix, no cgroup)";
  }
}
