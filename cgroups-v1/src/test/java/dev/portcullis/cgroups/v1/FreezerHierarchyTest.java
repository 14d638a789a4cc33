package dev.portcullis.cgroups.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.linux.MountTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Finding the freezer hierarchy in a mount table; runs anywhere. */
class FreezerHierarchyTest {

  private static final List<String> HYBRID =
      List.of(
          "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
          "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
          "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
          "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
          "50 23 0:40 / /cg rw,relatime - cgroup cgroup rw,cpu,freezer",
          "51 23 0:41 / /tmp rw - tmpfs tmpfs rw");

  private static Path locate(List<String> lines, String base) throws IOException {
    return new FreezerHierarchy(Optional.ofNullable(base).map(Path::of))
        .mountPoint(MountTable.parse(lines));
  }

  @Test
  void findsTheFirstFreezerMountByDefault() throws IOException {
    assertEquals(Path.of("/sys/fs/cgroup/freezer"), locate(HYBRID, null));
  }

  @Test
  void aGivenBaseMeansTheFreezerMountedAtBaseSlashFreezer() throws IOException {
    assertEquals(Path.of("/sys/fs/cgroup/freezer"), locate(HYBRID, "/sys/fs/cgroup"));
  }

  @Test
  void aBaseWithoutAFreezerUnderItIsRefusedNamingThePath() {
    IOException error = assertThrows(IOException.class, () -> locate(HYBRID, "/tmp"));
    assertTrue(
        error.getMessage().contains("/tmp/freezer is not a cgroup v1 freezer"), error.getMessage());
    assertTrue(error.getMessage().contains("nothing is mounted there"), error.getMessage());
    assertTrue(error.getMessage().contains("/proc/self/mountinfo"), error.getMessage());
  }

  @Test
  void aBaseWhoseFreezerDirectoryIsAnotherFileSystemIsRefused() {
    List<String> lines =
        List.of(
            "31 23 0:28 / /srv/cg rw - tmpfs tmpfs rw",
            "32 31 0:29 / /srv/cg/freezer rw - cgroup2 cgroup2 rw");
    IOException error = assertThrows(IOException.class, () -> locate(lines, "/srv/cg"));
    assertTrue(
        error.getMessage().contains("a cgroup2 file system is mounted there"), error.getMessage());
  }

  @Test
  void noFreezerAnywhereIsTheCause() {
    IOException error = assertThrows(IOException.class, () -> locate(HYBRID.subList(0, 2), null));
    assertEquals(
        "no cgroup v1 freezer hierarchy is mounted (looked in /proc/self/mountinfo)",
        error.getMessage());
  }
}
