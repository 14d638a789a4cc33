package dev.portcullis.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tree walk and {@code cgroup.procs} handling over a directory tree shaped like a cgroup
 * hierarchy; runs anywhere. The real hierarchies are exercised by the trackers' tests.
 */
class CgroupTreeTest {

  private static Path cgroup(Path dir, String... pids) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(CgroupTree.PROCS), String.join("\n", pids) + "\n");
    return dir;
  }

  @Test
  void aMissingTopIsAnEmptyTree(@TempDir Path tmp) throws IOException {
    CgroupTree tree = CgroupTree.at(tmp.resolve("absent"));
    assertFalse(tree.exists());
    assertEquals(List.of(), tree.directories());
    assertEquals(Set.of(), tree.pids());
    assertEquals(Set.of(), CgroupTree.processes(tmp.resolve("absent")));
    tree.remove(Duration.ZERO);
  }

  @Test
  void walksParentsBeforeChildrenAndSkipsFiles(@TempDir Path tmp) throws IOException {
    Path top = cgroup(tmp.resolve("c"));
    cgroup(top.resolve("mesos/a/mesos/x"));
    cgroup(top.resolve("mesos/b"));
    List<Path> dirs = CgroupTree.at(top).directories();
    assertEquals(
        Set.of(
            top,
            top.resolve("mesos"),
            top.resolve("mesos/a"),
            top.resolve("mesos/a/mesos"),
            top.resolve("mesos/a/mesos/x"),
            top.resolve("mesos/b")),
        Set.copyOf(dirs));
    assertEquals(6, dirs.size());
    for (Path dir : dirs) {
      if (!dir.equals(top)) {
        assertTrue(dirs.indexOf(dir.getParent()) < dirs.indexOf(dir), dir + " after its parent");
      }
    }
  }

  @Test
  void listsTheProcessesOfEveryCgroupBelow(@TempDir Path tmp) throws IOException {
    Path top = cgroup(tmp.resolve("c"), "10", "11");
    cgroup(top.resolve("mesos/a"), "20");
    Files.createDirectories(top.resolve("mesos/b")); // no cgroup.procs: removed mid-walk
    assertEquals(Set.of(10L, 11L, 20L), CgroupTree.at(top).pids());
    assertEquals(Set.of(20L), CgroupTree.processes(top.resolve("mesos/a")));
  }

  @Test
  void readsEveryPidOfTheFileWhateverItsSpacing(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("c"));
    Files.writeString(dir.resolve(CgroupTree.PROCS), "\n 7\t\r\n12\n\n9223372036854775807");
    assertEquals(Set.of(7L, 12L, Long.MAX_VALUE), CgroupTree.processes(dir));

    Files.writeString(dir.resolve(CgroupTree.PROCS), "");
    assertEquals(Set.of(), CgroupTree.processes(dir));
  }

  @Test
  void aLineThatIsNoPidIsRefused(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("c"));
    for (String text : List.of("7\nseven\n", "12 13\n", "9223372036854775808\n")) {
      Files.writeString(dir.resolve(CgroupTree.PROCS), text);
      assertThrows(NumberFormatException.class, () -> CgroupTree.processes(dir), text);
    }
  }

  @Test
  void awaitEmptyGivesUpAtTheDeadlineWithWhatIsLeft(@TempDir Path tmp) throws IOException {
    Path top = cgroup(tmp.resolve("c"), "10");
    long start = System.nanoTime();
    assertEquals(Set.of(10L), CgroupTree.at(top).awaitEmpty(Deadline.after(Duration.ofMillis(50))));
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(50).toNanos());
    Files.writeString(top.resolve(CgroupTree.PROCS), "");
    assertEquals(Set.of(), CgroupTree.at(top).awaitEmpty(Deadline.after(Duration.ofSeconds(5))));
  }

  @Test
  void removesChildrenBeforeParents(@TempDir Path tmp) throws IOException {
    Path top = Files.createDirectories(tmp.resolve("c/mesos/a/mesos/x"));
    Files.createDirectories(tmp.resolve("c/mesos/b"));
    CgroupTree.at(tmp.resolve("c")).remove(Duration.ofSeconds(1));
    assertFalse(Files.exists(tmp.resolve("c")));
    assertFalse(Files.exists(top));
  }

  @Test
  void aTreeThatCannotBeRemovedIsReportedWithItsProcesses(@TempDir Path tmp) throws IOException {
    // A regular file keeps the directory from being removed, as a process keeps a cgroup.
    Path top = cgroup(tmp.resolve("c"), "4242");
    Files.createDirectories(top.resolve("mesos/empty"));
    long start = System.nanoTime();
    IOException error =
        assertThrows(IOException.class, () -> CgroupTree.at(top).remove(Duration.ofMillis(100)));
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(100).toNanos());
    assertTrue(error.getMessage().contains("Cannot remove cgroup " + top), error.getMessage());
    assertTrue(error.getMessage().contains("[4242]"), error.getMessage());
    assertFalse(Files.exists(top.resolve("mesos")), "what could be removed is gone");
  }

  @Test
  void addingAProcessNeedsTheCgroup(@TempDir Path tmp) throws IOException {
    NoSuchFileException error =
        assertThrows(
            NoSuchFileException.class, () -> CgroupTree.addProcess(tmp.resolve("absent"), 7));
    assertTrue(error.getMessage().contains(tmp.resolve("absent").toString()), error.getMessage());
    assertTrue(error.getMessage().contains("no such cgroup"), error.getMessage());

    Path dir = cgroup(tmp.resolve("c"));
    CgroupTree.addProcess(dir, 7);
    assertEquals(Set.of(7L), CgroupTree.processes(dir));
  }

  @Test
  void controlFilesAreNeverCreated(@TempDir Path tmp) {
    assertThrows(
        NoSuchFileException.class, () -> CgroupTree.writeControl(tmp.resolve("cgroup.kill"), "1"));
    assertFalse(Files.exists(tmp.resolve("cgroup.kill")));
  }
}
