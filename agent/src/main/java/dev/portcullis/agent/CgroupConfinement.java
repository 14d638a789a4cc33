package dev.portcullis.agent;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import java.io.IOException;

/**
 * The Linux launcher's confinement: the container's own cgroup, through the process tracker, so
 * that a process the task forks or daemonizes is still found, judged and killed.
 */
final class CgroupConfinement implements TaskConfinement {

  private final ProcessTracker tracker;
  private final ContainerId container;
  private final String cgroupsRoot;

  /**
   * @param cgroupsRoot the {@code --cgroups_root} the tracker was given, for the log
   */
  CgroupConfinement(ProcessTracker tracker, ContainerId container, String cgroupsRoot) {
    this.tracker = tracker;
    this.container = container;
    this.cgroupsRoot = cgroupsRoot;
  }

  @Override
  public void create() throws IOException {
    // The container id is a fresh UUID: an existing cgroup of that name can only be a collision.
    if (tracker.exists(container)) {
      throw new IOException("the cgroup of container " + container + " exists already");
    }
    tracker.create(container);
  }

  @Override
  public void place(long pid) throws IOException {
    tracker.place(container, pid);
  }

  @Override
  public void killAll() throws IOException {
    tracker.kill(container);
  }

  @Override
  public void remove() throws IOException {
    tracker.remove(container);
  }

  @Override
  public String describe() {
    return "cgroup " + cgroupsRoot + "/" + container + " (process tracker " + tracker.name() + ")";
  }
}
