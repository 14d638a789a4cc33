package dev.portcullis.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {

  private static final List<String> HYBRID =
      List.of(
          "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
          "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
          "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime shared:5 - cgroup cgroup rw,freezer",
          "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
          "50 23 0:40 / /mnt/with\\040space rw - ext4 /dev/vdb rw");

  @Test
  void findsTheV2AndV1FreezerMountsOfAHybridHost() throws IOException {
    MountTable table = MountTable.parse(HYBRID);
    assertEquals(Path.of("/sys/fs/cgroup/unified"), table.cgroup2().orElseThrow().mountPoint());
    assertEquals(
        Path.of("/sys/fs/cgroup/freezer"), table.cgroup1("freezer").orElseThrow().mountPoint());
    assertTrue(table.cgroup1("memory").isEmpty());
  }

  @Test
  void unescapesOctalEscapesInMountPoints() throws IOException {
    MountTable table = MountTable.parse(HYBRID);
    assertEquals(Path.of("/mnt/with space"), table.mounts().get(4).mountPoint());
    assertEquals("a\\b", MountTable.unescape("a\\134b"));
    assertEquals("trailing\\", MountTable.unescape("trailing\\"));
  }

  @Test
  void aMalformedLineIsAnErrorNamingIt() {
    IOException error =
        assertThrows(IOException.class, () -> MountTable.parse(List.of("1 2 3 / /x rw")));
    assertTrue(error.getMessage().contains("1 2 3 / /x rw"), error.getMessage());
  }

  @Test
  void readsThisProcesssTable() throws IOException {
    if (!System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return; // mountinfo exists only on Linux; the parser is covered above
    }
    assertTrue(
        MountTable.read().mounts().stream().anyMatch(m -> m.mountPoint().equals(Path.of("/"))));
  }
}
