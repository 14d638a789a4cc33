package dev.portcullis.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Finding the unified hierarchy in a mount table; runs anywhere. */
class UnifiedMountTest {

  private static final List<String> HYBRID =
      List.of(
          "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
          "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
          "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
          "51 23 0:41 / /tmp rw - tmpfs tmpfs rw");

  private static final List<String> PURE_V2 =
      List.of(
          "30 23 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate",
          "31 23 0:28 / /mnt/cg2 rw - cgroup2 cgroup2 rw");

  private static Path locate(List<String> lines, String base) throws IOException {
    return new UnifiedMount(Optional.ofNullable(base).map(Path::of))
        .mountPoint(MountTable.parse(lines));
  }

  @Test
  void findsTheCgroup2MountByDefault() throws IOException {
    assertEquals(Path.of("/sys/fs/cgroup/unified"), locate(HYBRID, null));
    assertEquals(Path.of("/sys/fs/cgroup"), locate(PURE_V2, null));
  }

  @Test
  void aGivenBaseMeansTheCgroup2MountAtOrUnderIt() throws IOException {
    assertEquals(Path.of("/sys/fs/cgroup/unified"), locate(HYBRID, "/sys/fs/cgroup"));
    assertEquals(Path.of("/sys/fs/cgroup"), locate(PURE_V2, "/sys/fs/cgroup"));
    assertEquals(Path.of("/mnt/cg2"), locate(PURE_V2, "/mnt/cg2"));
  }

  @Test
  void aBaseWithoutCgroup2IsRefusedNamingIt() {
    IOException error = assertThrows(IOException.class, () -> locate(HYBRID, "/tmp"));
    assertEquals(
        "cgroups_hierarchy /tmp: no cgroup2 hierarchy is mounted at or under it"
            + " (looked in /proc/self/mountinfo)",
        error.getMessage());
    // A v1 controller's mount is not a cgroup2 hierarchy.
    assertThrows(IOException.class, () -> locate(HYBRID, "/sys/fs/cgroup/freezer"));
  }

  @Test
  void noCgroup2AnywhereIsTheCause() {
    IOException error = assertThrows(IOException.class, () -> locate(HYBRID.subList(0, 2), null));
    assertEquals(
        "no cgroup2 hierarchy is mounted (looked in /proc/self/mountinfo)", error.getMessage());
  }

  @Test
  void aSiblingWithACommonPrefixIsNotUnderTheBase() {
    List<String> lines = List.of("31 23 0:28 / /srv/cgroup2 rw - cgroup2 cgroup2 rw");
    assertThrows(IOException.class, () -> locate(lines, "/srv/cgroup"));
  }
}
