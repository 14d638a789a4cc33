package dev.portcullis.linux;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Freezes and thaws a cgroup and every cgroup below it: v1 through {@code freezer.state}, v2
 * through {@code cgroup.freeze}. {@link CgroupKiller#freezeKillThaw(Freezer)} uses one so that a
 * task cannot fork between the listing of its processes and their killing.
 */
public interface Freezer {

  /**
   * Asks the kernel to freeze the cgroup's subtree and waits until it reports it frozen.
   *
   * @param cgroup the directory of the subtree's top cgroup
   * @param deadline when to stop waiting
   * @return whether the subtree was frozen by the deadline; a caller may go on either way, since a
   *     process that is not frozen can still be killed
   * @throws java.nio.file.NoSuchFileException if the cgroup does not exist
   */
  boolean freeze(Path cgroup, Deadline deadline) throws IOException;

  /**
   * Thaws the cgroup's subtree.
   *
   * @param cgroup the directory of the subtree's top cgroup
   * @throws java.nio.file.NoSuchFileException if the cgroup does not exist
   */
  void thaw(Path cgroup) throws IOException;
}
