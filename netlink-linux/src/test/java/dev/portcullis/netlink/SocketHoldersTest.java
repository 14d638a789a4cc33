package dev.portcullis.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.SocketHolders;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.Listener;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The netlink source's socket holders, read with the BPF task-file iterator, against what {@code
 * /proc} says of the same processes: real processes in a real cgroup, holding real sockets.
 */
@RequiresLinuxRoot
class SocketHoldersTest {

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    Host.closeAll(open);
  }

  private static SocketHolders read(NetlinkSocketSource source) throws IOException {
    return source
        .socketHolders()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no socket holders here: " + source.holdersUnavailableCause().orElse("?")));
  }

  private static Map<Long, Set<Long>> inodesByPid(SocketHolders holders) {
    Map<Long, Set<Long>> byPid = new HashMap<>();
    for (int i = 0; i < holders.size(); i++) {
      byPid.computeIfAbsent(holders.pid(i), p -> new HashSet<>()).add(holders.inode(i));
    }
    return byPid;
  }

  @Test
  void processesInACgroupAreReportedWithTheirSocketsAndThatCgroup() throws Exception {
    ScratchCgroups scratch = new ScratchCgroups();
    open.add(scratch);
    Path cgroup = scratch.v2().orElseThrow(() -> new AssertionError("no cgroup v2 here"));
    Files.createDirectories(cgroup);
    long cgroupId = ((Number) Files.getAttribute(cgroup, "unix:ino")).longValue();
    List<Integer> ports = List.of(FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp());
    List<Listener> listeners = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Listener.Builder builder = Listener.builder().tcp4("127.0.0.1", ports.get(i));
      if (i == 1) {
        builder.tcp6("::1", ports.get(2), true).forked();
      }
      Listener.Started started = builder.waitForGo().startProcess();
      Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(started.pid()));
      Listener listener = started.go();
      open.add(0, listener);
      listeners.add(listener);
    }

    SocketHolders holders = read(new NetlinkSocketSource());

    Map<Long, Set<Long>> byPid = inodesByPid(holders);
    int checked = 0;
    for (Listener listener : listeners) {
      for (long pid : listener.pids()) {
        Set<Long> fromProc = Host.DESCRIPTORS.socketInodes(pid);
        assertTrue(
            pid != listener.holder() || !fromProc.isEmpty(), "process " + pid + " holds sockets");
        assertEquals(fromProc, byPid.getOrDefault(pid, Set.of()), "the sockets of process " + pid);
        checked++;
      }
    }
    assertEquals(3, checked, "the two listeners and the forked child");
    for (int i = 0; i < holders.size(); i++) {
      long pid = holders.pid(i);
      if (listeners.stream().anyMatch(l -> l.pids().contains(pid))) {
        assertEquals(cgroupId, holders.cgroupId(i), "the cgroup of process " + pid);
      }
    }
  }

  @Test
  void aProcessReportsTheCgroupItIsInNowNotTheOneThatMadeItsSockets() throws Exception {
    ScratchCgroups scratch = new ScratchCgroups();
    open.add(scratch);
    Path root = scratch.v2().orElseThrow(() -> new AssertionError("no cgroup v2 here"));
    Path first = root.resolve("first");
    Path second = root.resolve("second");
    Files.createDirectories(first);
    Files.createDirectories(second);
    Listener.Started started =
        Listener.builder().tcp4("127.0.0.1", FreePorts.tcp()).waitForGo().startProcess();
    Files.writeString(first.resolve("cgroup.procs"), Long.toString(started.pid()));
    Listener listener = started.go();
    open.add(0, listener);
    Files.writeString(second.resolve("cgroup.procs"), Long.toString(listener.pid()));

    SocketHolders holders = read(new NetlinkSocketSource());

    long movedTo = ((Number) Files.getAttribute(second, "unix:ino")).longValue();
    int entries = 0;
    for (int i = 0; i < holders.size(); i++) {
      if (holders.pid(i) == listener.pid()) {
        assertEquals(movedTo, holders.cgroupId(i));
        entries++;
      }
    }
    assertEquals(Host.DESCRIPTORS.socketInodes(listener.pid()).size(), entries);
  }

  @Test
  void everyProcessThisOneMayInspectIsReportedAsProcReadsIt() throws Exception {
    NetlinkSocketSource source = new NetlinkSocketSource();
    List<Long> pids = Host.pids();
    Map<Long, Set<Long>> before = new HashMap<>();
    for (long pid : pids) {
      before.put(pid, procOrNull(pid));
    }
    Map<Long, Set<Long>> read = inodesByPid(read(source));
    int compared = 0;
    for (long pid : pids) {
      Set<Long> after = procOrNull(pid);
      // A process may open or close descriptors meanwhile: only one that reads the same before
      // and after is compared. One this process may not inspect (its /proc/<pid>/ns cannot be
      // read, as the init of a VM that keeps itself from its guests) is left out: the iterator
      // walks only what this process's pid namespace may see, and a scan only asks about
      // processes the agent started.
      if (after == null || !after.equals(before.get(pid)) || !inspectable(pid)) {
        continue;
      }
      assertEquals(after, read.getOrDefault(pid, Set.of()), "process " + pid);
      compared++;
    }
    assertTrue(compared > pids.size() / 2, compared + " of " + pids.size() + " compared");
  }

  private static Set<Long> procOrNull(long pid) {
    try {
      return Host.DESCRIPTORS.socketInodes(pid);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean inspectable(long pid) {
    try {
      Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/pid"));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void readsLeaveNoDescriptorBehind() throws Exception {
    NetlinkSocketSource source = new NetlinkSocketSource();
    read(source);
    long before = openDescriptors();
    for (int i = 0; i < 50; i++) {
      assertTrue(read(source).size() > 0);
    }
    assertEquals(before, openDescriptors(), "descriptors of this JVM after 50 more reads");
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
      return entries.count();
    }
  }
}
