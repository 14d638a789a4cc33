package dev.portcullis.agent.run;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The POSIX launcher's tracker ({@code --launcher=posix}): a container is the process tree of the
 * first process placed in it, without a cgroup. As with the Mesos POSIX launcher, a process that
 * leaves the tree (a daemon that double-forks, or a child orphaned by the task's exit) cannot be
 * found, so it is not killed. It knows only the containers it created, and reports no cgroup ids.
 */
final class ProcessTreeTracker implements ProcessTracker {

  private static final Duration KILL_BOUND = Duration.ofSeconds(10);
  private static final long RETRY_MILLIS = 20;

  /** Each container's first process, once placed. */
  private final Map<ContainerId, Optional<ProcessHandle>> roots = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "posix";
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return Optional.empty();
  }

  @Override
  public boolean reportsCgroupIds() {
    return false;
  }

  @Override
  public Set<Long> cgroupIds(ContainerId container) {
    return Set.of();
  }

  @Override
  public Set<Long> pids(ContainerId container) {
    Optional<ProcessHandle> root = roots.getOrDefault(container, Optional.empty());
    if (root.isEmpty() || !root.get().isAlive()) {
      return Set.of();
    }
    return Stream.concat(Stream.of(root.get()), root.get().descendants())
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public boolean exists(ContainerId container) {
    return roots.containsKey(container);
  }

  @Override
  public Set<ContainerId> containers() {
    return Set.copyOf(roots.keySet());
  }

  @Override
  public void create(ContainerId container) {
    roots.putIfAbsent(container, Optional.empty());
  }

  @Override
  public void place(ContainerId container, long pid) throws IOException {
    if (!roots.containsKey(container)) {
      throw new IOException("container " + container + " was never created");
    }
    ProcessHandle process =
        ProcessHandle.of(pid).orElseThrow(() -> new IOException("pid " + pid + " has exited"));
    roots.put(container, Optional.of(process));
  }

  /**
   * Kills the descendants, again and again while the root lives so that none escapes by forking
   * meanwhile, then the root: killing the root first would orphan its children out of the tree.
   */
  @Override
  public void kill(ContainerId container) throws IOException {
    Optional<ProcessHandle> root = roots.getOrDefault(container, Optional.empty());
    if (root.isEmpty()) {
      return;
    }
    ProcessHandle task = root.get();
    long deadline = System.nanoTime() + KILL_BOUND.toNanos();
    while (task.isAlive()) {
      Set<ProcessHandle> descendants = task.descendants().collect(Collectors.toSet());
      descendants.forEach(ProcessHandle::destroyForcibly);
      if (descendants.stream().noneMatch(ProcessHandle::isAlive)) {
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
  public void remove(ContainerId container) {
    roots.remove(container);
  }
}
