package dev.portcullis.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exit watch against real processes and the real kernel's pidfds. */
@RequiresLinuxRoot
class ExitWatchTest {

  private final List<Process> processes = new ArrayList<>();
  private final List<WatchedProcess> watches = new ArrayList<>();

  @AfterEach
  void killEverything() throws Exception {
    watches.forEach(WatchedProcess::close);
    for (Process process : processes) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Process sleeper() throws Exception {
    Process process = new ProcessBuilder("sleep", "600").start();
    processes.add(process);
    return process;
  }

  private WatchedProcess watch(Process process) throws Exception {
    WatchedProcess watched = ExitWatch.get().watch(process.pid()).orElseThrow();
    watches.add(watched);
    return watched;
  }

  @Test
  void aProcessIsSeenToExitAtTheFirstLookAfterItDid() throws Exception {
    Process process = sleeper();
    WatchedProcess watched = watch(process);
    ExitWatch.get().refresh();
    assertFalse(watched.hasExited());
    process.destroyForcibly();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertFalse(watched.hasExited(), "only a look tells");
    assertTrue(ExitWatch.get().refresh() >= 1, "a look counts what it saw exit");
    assertTrue(watched.hasExited());
    ExitWatch.get().refresh();
    assertTrue(watched.hasExited(), "and it stays so");
  }

  @Test
  void oneLookTellsExactlyWhichOfManyExited() throws Exception {
    List<WatchedProcess> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(watch(sleeper()));
    }
    Set<Long> killed = new TreeSet<>();
    for (int i = 0; i < 200; i += 3) {
      processes.get(i).destroyForcibly();
      assertTrue(processes.get(i).waitFor(30, TimeUnit.SECONDS));
      killed.add(processes.get(i).pid());
    }
    assertEquals(killed.size(), ExitWatch.get().refresh(), "more than one batch of the set");
    assertEquals(0, ExitWatch.get().refresh(), "each is counted once");
    Set<Long> seen = new TreeSet<>();
    for (WatchedProcess watched : all) {
      if (watched.hasExited()) {
        seen.add(watched.pid());
      }
    }
    assertEquals(killed, seen);
  }

  @Test
  void aDescriptorNumberGivenAgainWatchesTheNewProcess() throws Exception {
    Process first = sleeper();
    WatchedProcess closed = watch(first);
    closed.close();
    // The kernel hands out the lowest free descriptor: most likely the one just closed.
    Process second = sleeper();
    WatchedProcess watched = watch(second);
    first.destroyForcibly();
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, ExitWatch.get().refresh(), "the closed watch is not looked at");
    second.destroyForcibly();
    assertTrue(second.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, ExitWatch.get().refresh());
    assertTrue(watched.hasExited());
    assertFalse(closed.hasExited());
  }

  @Test
  void noSuchProcessCannotBeWatched() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertEquals(0, gone.waitFor());
    assertEquals(Optional.empty(), ExitWatch.get().watch(gone.pid()));
  }

  @Test
  void aClosedWatchIsLookedAtNoMoreAndClosingTwiceIsHarmless() throws Exception {
    Process process = sleeper();
    WatchedProcess watched = watch(process);
    watched.close();
    process.destroyForcibly();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    ExitWatch.get().refresh();
    assertFalse(watched.hasExited(), "closed before it exited");
    watched.close();
  }
}
