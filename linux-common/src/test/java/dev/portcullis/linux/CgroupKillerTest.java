package dev.portcullis.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded kill loop and the freeze-kill-thaw strike, over a directory tree shaped like a cgroup
 * and a fake freezer; runs anywhere with a {@code sleep} command. The kernel's side is exercised by
 * the trackers' tests.
 */
class CgroupKillerTest {

  private static Path cgroup(Path dir, long... pids) throws IOException {
    Files.createDirectories(dir);
    StringBuilder text = new StringBuilder();
    for (long pid : pids) {
      text.append(pid).append('\n');
    }
    Files.writeString(dir.resolve(CgroupTree.PROCS), text);
    return dir;
  }

  @Test
  void aMissingCgroupIsNotStruck(@TempDir Path tmp) throws IOException {
    List<Path> struck = new ArrayList<>();
    new CgroupKiller((c, d) -> struck.add(c), Duration.ofSeconds(1)).kill(tmp.resolve("absent"));
    assertEquals(List.of(), struck);
  }

  @Test
  void strikesUntilTheSubtreeIsEmpty(@TempDir Path tmp) throws IOException {
    Path top = cgroup(tmp.resolve("c"), 10);
    cgroup(top.resolve("mesos/a"), 20);
    List<Path> struck = new ArrayList<>();
    CgroupKiller.Strike emptyOneLevelPerStrike =
        (c, d) -> {
          struck.add(c);
          Path deepest = struck.size() == 1 ? c.resolve("mesos/a") : c;
          Files.writeString(deepest.resolve(CgroupTree.PROCS), "");
        };
    new CgroupKiller(emptyOneLevelPerStrike, Duration.ofSeconds(5)).kill(top);
    assertEquals(List.of(top, top), struck);
  }

  @Test
  void survivorsAfterTheBoundAreAnErrorNamingThem(@TempDir Path tmp) throws IOException {
    Path top = cgroup(tmp.resolve("c"), 10, 11);
    IOException error =
        assertThrows(
            IOException.class,
            () -> new CgroupKiller((c, d) -> {}, Duration.ofMillis(100)).kill(top));
    assertEquals(
        "Processes [10, 11] remain in cgroup " + top + " after trying to kill them for 100 ms",
        error.getMessage());
  }

  @Test
  void aCgroupRemovedDuringAStrikeIsKilled(@TempDir Path tmp) throws IOException {
    Path top = cgroup(tmp.resolve("c"), 10);
    CgroupKiller.Strike removeIt =
        (c, d) -> {
          Files.delete(c.resolve(CgroupTree.PROCS));
          Files.delete(c);
          throw new java.nio.file.NoSuchFileException(c.resolve("cgroup.kill").toString());
        };
    new CgroupKiller(removeIt, Duration.ofSeconds(1)).kill(top);
  }

  @Test
  void freezeKillThawKillsEveryListedProcessWhileFrozen(@TempDir Path tmp) throws Exception {
    Process victim = new ProcessBuilder("sleep", "30").start();
    try {
      Path top = cgroup(tmp.resolve("c"), victim.pid());
      List<String> calls = new ArrayList<>();
      Freezer freezer =
          new Freezer() {
            @Override
            public boolean freeze(Path cgroup, Deadline deadline) {
              calls.add("freeze " + victim.isAlive());
              return true;
            }

            @Override
            public void thaw(Path cgroup) throws IOException {
              calls.add("thaw");
              Files.writeString(cgroup.resolve(CgroupTree.PROCS), ""); // as the kernel would
            }
          };
      new CgroupKiller(CgroupKiller.freezeKillThaw(freezer), Duration.ofSeconds(5)).kill(top);
      assertEquals(List.of("freeze true", "thaw"), calls);
      assertTrue(victim.waitFor(5, TimeUnit.SECONDS), "SIGKILL was sent");
      assertEquals(128 + 9, victim.exitValue());
    } finally {
      victim.destroyForcibly();
    }
  }

  @Test
  void freezeKillThawThawsEvenWhenFreezingFails(@TempDir Path tmp) throws IOException {
    Path top = cgroup(tmp.resolve("c"), 10);
    IOException broken = new IOException("freezer.state: Invalid argument");
    List<String> calls = new ArrayList<>();
    Freezer freezer =
        new Freezer() {
          @Override
          public boolean freeze(Path cgroup, Deadline deadline) throws IOException {
            calls.add("freeze");
            throw broken;
          }

          @Override
          public void thaw(Path cgroup) {
            calls.add("thaw");
          }
        };
    IOException error =
        assertThrows(
            IOException.class,
            () ->
                new CgroupKiller(CgroupKiller.freezeKillThaw(freezer), Duration.ofSeconds(1))
                    .kill(top));
    assertSame(broken, error);
    assertEquals(List.of("freeze", "thaw"), calls);
  }

  @Test
  void neverSignalsItsOwnProcess(@TempDir Path tmp) throws IOException {
    Path top = cgroup(tmp.resolve("c"), ProcessHandle.current().pid());
    Freezer noFreezer =
        new Freezer() {
          @Override
          public boolean freeze(Path cgroup, Deadline deadline) {
            return false;
          }

          @Override
          public void thaw(Path cgroup) {}
        };
    IOException error =
        assertThrows(
            IOException.class,
            () ->
                new CgroupKiller(CgroupKiller.freezeKillThaw(noFreezer), Duration.ofMillis(50))
                    .kill(top));
    assertTrue(
        error.getMessage().contains("[" + ProcessHandle.current().pid() + "]"), error.getMessage());
    assertFalse(Thread.currentThread().isInterrupted());
  }
}
