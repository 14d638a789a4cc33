package dev.portcullis.cgroups.v2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The unified (v2) hierarchy's control files, and the check that its containers' root can work. */
final class UnifiedHierarchy {

  static final String KILL = "cgroup.kill";
  static final String FREEZE = "cgroup.freeze";
  static final String EVENTS = "cgroup.events";

  private UnifiedHierarchy() {}

  /**
   * The v2 check: killing needs {@code cgroup.kill} (Linux 5.14) or at least {@code cgroup.freeze}
   * (Linux 5.2); without either a forking task could escape a kill.
   */
  static void checkRoot(Path containersRoot) throws IOException {
    if (!Files.exists(containersRoot.resolve(KILL))
        && !Files.exists(containersRoot.resolve(FREEZE))) {
      throw new IOException(
          "cgroup "
              + containersRoot
              + " has neither "
              + KILL
              + " nor "
              + FREEZE
              + ": the kernel is too old to kill a container reliably (needs Linux 5.2)");
    }
  }
}
