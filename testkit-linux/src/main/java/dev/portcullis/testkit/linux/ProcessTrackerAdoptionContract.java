package dev.portcullis.testkit.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every cgroup {@link ProcessTracker} that {@linkplain ProcessTracker#adoptsCgroups() adopts
 * cgroups} must do with a cgroup another engine made, on the real kernel: follow its whole subtree,
 * keep nested containers below it, kill everything in it but leave the cgroup, remove only what it
 * made there, and refuse what it cannot adopt.
 *
 * <p>The engine's cgroups live under a second {@link ScratchCgroups}, named {@code
 * portcullis-adopt-test-<hex>}, a top-level directory outside the tracker's root, as podman's
 * {@code /libpod_parent} is. Its processes are {@code sleep}s the test starts and moves there
 * itself, as an engine would. Every cgroup and process a test makes is removed after it, however it
 * ended.
 */
@RequiresLinuxRoot
public abstract class ProcessTrackerAdoptionContract {

  /** The prefix of the engine's scratch cgroups' name. */
  public static final String ENGINE_PREFIX = "portcullis-adopt-test";

  private static final ContainerId ADOPTED = ContainerId.of("adopted");
  private static final ContainerId TASK = ADOPTED.child("task");

  private ScratchCgroups scratch;
  private ScratchCgroups engine;
  private final List<Process> processes = new ArrayList<>();

  /**
   * {@return a tracker initialized with {@code cgroups_root} = the scratch root's name} Each test
   * asks for one.
   *
   * @param scratch the test's scratch cgroups, whose {@link ScratchCgroups#name() name} is the root
   */
  protected abstract ProcessTracker tracker(ScratchCgroups scratch);

  /**
   * {@return the directory of the scratch cgroups in the tracker's hierarchy, the one it adopts in}
   *
   * @param cgroups the test's scratch cgroups: the tracker's root, or the engine's
   */
  protected abstract Path hierarchy(ScratchCgroups cgroups);

  /**
   * {@return the directories of the scratch cgroups in the other hierarchies where the engine keeps
   * its containers too, at the same path} None by default; on a hybrid host a v1 tracker's engine
   * keeps them in v2 as well.
   *
   * @param cgroups the engine's scratch cgroups
   */
  protected List<Path> otherHierarchies(ScratchCgroups cgroups) {
    return List.of();
  }

  /** Picks the names of the tracker's root and of the engine's cgroups; nothing is made yet. */
  @BeforeEach
  final void pickScratchCgroups() {
    scratch = new ScratchCgroups();
    engine = new ScratchCgroups(ENGINE_PREFIX);
  }

  /**
   * Kills every process the test started and removes every cgroup it made, the engine's and the
   * tracker's, whatever the test left them in: the cgroups are thawed and emptied first, so that no
   * process stays frozen, then the processes are waited for.
   *
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  @AfterEach
  final void removeScratchCgroupsAndProcesses() throws InterruptedException {
    processes.forEach(Process::destroyForcibly);
    try {
      engine.close();
    } finally {
      try {
        scratch.close();
      } finally {
        for (Process process : processes) {
          process.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** {@return the scratch cgroups whose name is the tracker's root} */
  protected final ScratchCgroups scratch() {
    return scratch;
  }

  /** {@return the scratch cgroups the engine makes its cgroups under} */
  protected final ScratchCgroups engine() {
    return engine;
  }

  /**
   * Makes a cgroup as the engine would, in the tracker's hierarchy and the others it uses.
   *
   * @param relative the cgroup below the engine's scratch directory, such as {@code libpod-abc}
   * @return its path relative to the hierarchy's root, as {@code adopt} takes it
   * @throws IOException if a directory cannot be made
   */
  protected final String engineCgroup(String relative) throws IOException {
    for (Path dir : engineDirectories(relative)) {
      Files.createDirectories(dir);
    }
    return engine.cgroup() + "/" + relative;
  }

  /**
   * {@return the engine cgroup's directories: in the tracker's hierarchy first, then the others}
   *
   * @param relative the cgroup below the engine's scratch directory
   */
  protected final List<Path> engineDirectories(String relative) {
    List<Path> dirs = new ArrayList<>();
    dirs.add(hierarchy(engine).resolve(relative));
    otherHierarchies(engine).forEach(h -> dirs.add(h.resolve(relative)));
    return dirs;
  }

  /**
   * Starts {@code sleep} and moves it into an engine cgroup in every hierarchy, as the engine
   * would, tracker's hierarchy first. It is killed after the test.
   *
   * @param relative an existing cgroup below the engine's scratch directory
   * @return the process
   * @throws IOException if it cannot be started or moved
   */
  protected final Process startInEngineCgroup(String relative) throws IOException {
    Process process = sleep();
    for (Path dir : engineDirectories(relative)) {
      Files.writeString(dir.resolve("cgroup.procs"), Long.toString(process.pid()));
    }
    return process;
  }

  /**
   * Starts {@code sleep} outside every test cgroup; it is killed after the test.
   *
   * @return the process
   * @throws IOException if it cannot be started
   */
  protected final Process sleep() throws IOException {
    Process process = new ProcessBuilder("sleep", "600").start();
    processes.add(process);
    return process;
  }

  /**
   * {@return the processes directly in a cgroup, as the kernel lists them}
   *
   * @param cgroup the cgroup's directory
   * @throws IOException if its {@code cgroup.procs} cannot be read
   */
  protected static Set<Long> procs(Path cgroup) throws IOException {
    try (Stream<String> lines = Files.lines(cgroup.resolve("cgroup.procs"))) {
      return lines.map(Long::parseLong).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static boolean exited(Process process) throws InterruptedException {
    return process.waitFor(5, TimeUnit.SECONDS);
  }

  private static long inode(Path dir) throws IOException {
    return (Long) Files.getAttribute(dir, "unix:ino");
  }

  /** The subtree is left thawed, in either hierarchy, so that its engine can go on using it. */
  private static void assertThawed(Path cgroup) throws IOException {
    Path v1 = cgroup.resolve("freezer.state");
    if (Files.exists(v1)) {
      assertEquals("THAWED", Files.readString(v1).trim(), v1.toString());
    }
    Path v2 = cgroup.resolve("cgroup.freeze");
    if (Files.exists(v2)) {
      assertEquals("0", Files.readString(v2).trim(), v2.toString());
    }
  }

  @Test
  void anAdoptedContainerIsTheEngineCgroupsWholeSubtree() throws Exception {
    ProcessTracker tracker = tracker(scratch);
    String cgroup = engineCgroup("libpod-abc");
    engineCgroup("libpod-abc/container");
    Process inSubCgroup = startInEngineCgroup("libpod-abc/container");
    Process inCgroup = startInEngineCgroup("libpod-abc");
    Path dir = hierarchy(engine).resolve("libpod-abc");
    assertTrue(tracker.adoptsCgroups());
    assertFalse(tracker.exists(ADOPTED));

    tracker.adopt(ADOPTED, cgroup);
    tracker.adopt(ADOPTED, cgroup); // again at the same cgroup: nothing changes

    assertEquals(Optional.of(cgroup), tracker.adoptedCgroup(ADOPTED));
    assertEquals(Optional.empty(), tracker.adoptedCgroup(TASK), "a nested one is never adopted");
    assertTrue(tracker.exists(ADOPTED));
    assertEquals(Set.of(inSubCgroup.pid(), inCgroup.pid()), tracker.pids(ADOPTED));
    assertEquals(
        tracker.reportsCgroupIds() ? Set.of(inode(dir), inode(dir.resolve("container"))) : Set.of(),
        tracker.cgroupIds(ADOPTED));
    assertEquals(Set.of(), tracker.containers(), "only the root's containers are listed");
    assertFalse(Files.exists(hierarchy(scratch).resolve(ADOPTED.value())), "nothing made there");
    assertTrue(inSubCgroup.isAlive() && inCgroup.isAlive(), "adopting touches no process");
  }

  @Test
  void nestedContainersLiveBelowTheAdoptedCgroup() throws Exception {
    ProcessTracker tracker = tracker(scratch);
    String cgroup = engineCgroup("libpod-abc");
    Process engineProcess = startInEngineCgroup("libpod-abc");
    Path dir = hierarchy(engine).resolve("libpod-abc");
    tracker.adopt(ADOPTED, cgroup);

    tracker.create(ADOPTED); // its cgroup exists: nothing to make
    tracker.create(TASK);
    tracker.create(TASK);
    tracker.create(TASK.child("grandchild"));
    Path task = dir.resolve("mesos/task");
    assertTrue(Files.isDirectory(task));
    assertTrue(Files.isDirectory(task.resolve("mesos/grandchild")));
    assertTrue(tracker.exists(TASK));

    Process placed = sleep();
    tracker.place(TASK, placed.pid());
    assertEquals(Set.of(placed.pid()), procs(task));
    assertEquals(Set.of(placed.pid()), tracker.pids(TASK));
    assertEquals(Set.of(engineProcess.pid(), placed.pid()), tracker.pids(ADOPTED));
    if (tracker.reportsCgroupIds()) {
      assertEquals(
          Set.of(
              inode(task), inode(task.resolve("mesos")), inode(task.resolve("mesos/grandchild"))),
          tracker.cgroupIds(TASK));
    }
    assertEquals(Set.of(), tracker.containers());

    tracker.kill(TASK);
    assertTrue(exited(placed), "the nested container's process is killed");
    assertTrue(engineProcess.isAlive(), "the adopted container's own process is not");
    tracker.remove(TASK);
    assertFalse(Files.exists(task));
    assertFalse(tracker.exists(TASK));
    assertEquals(Optional.of(cgroup), tracker.adoptedCgroup(ADOPTED), "still adopted");
    assertEquals(Set.of(engineProcess.pid()), tracker.pids(ADOPTED));
  }

  @Test
  void killKillsTheWholeAdoptedSubtreeAndLeavesTheCgroup() throws Exception {
    ProcessTracker tracker = tracker(scratch);
    String cgroup = engineCgroup("libpod-abc");
    engineCgroup("libpod-abc/container");
    engineCgroup("libpod-other");
    Process inSubCgroup = startInEngineCgroup("libpod-abc/container");
    Process inCgroup = startInEngineCgroup("libpod-abc");
    Process bystander = startInEngineCgroup("libpod-other");
    tracker.adopt(ADOPTED, cgroup);
    tracker.create(TASK);
    Process nested = sleep();
    tracker.place(TASK, nested.pid());

    tracker.kill(ADOPTED);

    assertEquals(Set.of(), tracker.pids(ADOPTED));
    assertTrue(exited(inSubCgroup), "the engine's sub-cgroup's process is killed");
    assertTrue(exited(inCgroup));
    assertTrue(exited(nested), "the nested container's process is killed");
    assertTrue(bystander.isAlive(), "the engine's other container is not touched");
    for (Path dir : engineDirectories("libpod-abc")) {
      assertTrue(Files.isDirectory(dir), "the adopted cgroup stays: " + dir);
      assertEquals(Set.of(), procs(dir));
      assertThawed(dir);
    }
    assertTrue(tracker.exists(ADOPTED));
    assertEquals(Optional.of(cgroup), tracker.adoptedCgroup(ADOPTED));
    tracker.kill(ADOPTED); // nothing left: returns at once
  }

  @Test
  void removeLeavesTheAdoptedCgroupRemovesWhatItMadeAndForgets() throws Exception {
    ProcessTracker tracker = tracker(scratch);
    String cgroup = engineCgroup("libpod-abc");
    String other = engineCgroup("libpod-other");
    engineCgroup("libpod-abc/container");
    Process engineProcess = startInEngineCgroup("libpod-abc");
    Path dir = hierarchy(engine).resolve("libpod-abc");
    tracker.adopt(ADOPTED, cgroup);
    tracker.create(TASK);
    tracker.create(TASK.child("grandchild"));
    tracker.create(ADOPTED.child("sibling"));

    tracker.remove(ADOPTED);

    for (Path engineDir : engineDirectories("libpod-abc")) {
      assertTrue(Files.isDirectory(engineDir), "the adopted cgroup stays: " + engineDir);
      assertTrue(Files.isDirectory(engineDir.resolve("container")), "so does the engine's own");
      assertFalse(Files.exists(engineDir.resolve("mesos")), "the nested containers' go");
    }
    assertEquals(Set.of(engineProcess.pid()), procs(dir), "removing kills nothing");
    assertEquals(Optional.empty(), tracker.adoptedCgroup(ADOPTED), "the adoption is forgotten");
    assertFalse(tracker.exists(ADOPTED));
    assertEquals(Set.of(), tracker.pids(ADOPTED));
    tracker.remove(ADOPTED); // no longer adopted, and nothing under the root: not an error
    assertTrue(Files.isDirectory(dir));

    tracker.adopt(ADOPTED, other); // forgotten, so free to adopt anywhere
    assertEquals(Optional.of(other), tracker.adoptedCgroup(ADOPTED));
    assertEquals(Set.of(), tracker.pids(ADOPTED));
  }

  @Test
  void anAdoptedCgroupTheEngineRemovedIsNeverMadeAgain() throws Exception {
    ProcessTracker tracker = tracker(scratch);
    String cgroup = engineCgroup("libpod-abc");
    tracker.adopt(ADOPTED, cgroup);
    for (Path dir : engineDirectories("libpod-abc")) {
      Files.delete(dir);
    }
    Path dir = hierarchy(engine).resolve("libpod-abc");

    assertFalse(tracker.exists(ADOPTED));
    assertEquals(Set.of(), tracker.pids(ADOPTED));
    assertEquals(Set.of(), tracker.cgroupIds(ADOPTED));
    tracker.kill(ADOPTED); // a missing cgroup is nothing to kill
    IOException gone = assertThrows(IOException.class, () -> tracker.create(ADOPTED));
    assertTrue(gone.getMessage().contains(dir.toString()), gone.getMessage());
    assertThrows(IOException.class, () -> tracker.create(TASK));
    assertThrows(IOException.class, () -> tracker.place(ADOPTED, sleep().pid()));
    assertFalse(Files.exists(dir), "not made again");

    tracker.remove(ADOPTED);
    assertEquals(Optional.empty(), tracker.adoptedCgroup(ADOPTED));
    assertFalse(Files.exists(dir));
  }

  @Test
  void refusesWhatItCannotAdopt() throws Exception {
    ProcessTracker tracker = tracker(scratch);
    String cgroup = engineCgroup("libpod-abc");
    String other = engineCgroup("libpod-other");

    IllegalArgumentException nested =
        assertThrows(IllegalArgumentException.class, () -> tracker.adopt(TASK, cgroup));
    assertTrue(nested.getMessage().contains("top-level"), nested.getMessage());

    String relative = cgroup.substring(1);
    for (String malformed :
        List.of(
            relative,
            "/",
            cgroup + "/",
            cgroup.replace("/libpod-abc", "//libpod-abc"),
            cgroup + "/.",
            cgroup + "/../libpod-abc")) {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> tracker.adopt(ADOPTED, malformed));
      assertTrue(error.getMessage().contains("'" + malformed + "'"), error.getMessage());
    }

    tracker.create(ContainerId.of("own"));
    String root = scratch.cgroup();
    for (String ours : List.of(root, root + "/own", root + "/own/mesos")) {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> tracker.adopt(ADOPTED, ours));
      assertTrue(error.getMessage().contains("cgroups root " + root), error.getMessage());
    }
    IllegalStateException own =
        assertThrows(
            IllegalStateException.class, () -> tracker.adopt(ContainerId.of("own"), other));
    assertTrue(own.getMessage().contains("of the tracker's own"), own.getMessage());

    Path missing = hierarchy(engine).resolve("missing");
    IOException absent =
        assertThrows(IOException.class, () -> tracker.adopt(ADOPTED, engine.cgroup() + "/missing"));
    assertTrue(absent.getMessage().contains(missing.toString()), absent.getMessage());
    assertFalse(Files.exists(missing), "not made");
    assertEquals(Optional.empty(), tracker.adoptedCgroup(ADOPTED), "nothing refused is kept");

    tracker.adopt(ADOPTED, cgroup);
    IllegalStateException elsewhere =
        assertThrows(IllegalStateException.class, () -> tracker.adopt(ADOPTED, other));
    assertTrue(elsewhere.getMessage().contains(cgroup), elsewhere.getMessage());
    IllegalStateException taken =
        assertThrows(
            IllegalStateException.class, () -> tracker.adopt(ContainerId.of("second"), cgroup));
    assertTrue(taken.getMessage().contains(cgroup), taken.getMessage());
    assertEquals(Optional.of(cgroup), tracker.adoptedCgroup(ADOPTED));
    assertEquals(Optional.empty(), tracker.adoptedCgroup(ContainerId.of("second")));
    assertEquals(Set.of(ContainerId.of("own")), tracker.containers());
  }
}
