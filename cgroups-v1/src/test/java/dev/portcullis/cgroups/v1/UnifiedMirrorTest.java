package dev.portcullis.cgroups.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.linux.CgroupTree;
import dev.portcullis.linux.ContainerCgroups;
import dev.portcullis.linux.Lineage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding a guard's directories and mirroring into them, over a directory standing in for the
 * unified hierarchy; runs anywhere. The real hierarchies are exercised by {@code
 * FreezerMirrorTest}.
 */
class UnifiedMirrorTest {

  private static final Lineage EXECUTOR = Lineage.own(List.of("e"));
  private static final Lineage TASK = Lineage.own(List.of("e", "t"));
  private static final Lineage GRANDCHILD = Lineage.own(List.of("e", "t", "g"));

  /** Containers of one adopted at {@code /engine/c1}, outside the root {@code agent}. */
  private static final Lineage ADOPTED = new Lineage(List.of("e"), Optional.of("/engine/c1"));

  private static final Lineage ADOPTED_TASK =
      new Lineage(List.of("e", "t"), Optional.of("/engine/c1"));

  private static UnifiedMirror mirror(Path mount) {
    return new UnifiedMirror(new ContainerCgroups(mounts -> mount, "agent", root -> {}));
  }

  /** A directory a guard made under the root {@code agent}, with the file a move writes to. */
  private static Path guard(Path mount, String relative) throws IOException {
    Path dir = Files.createDirectories(mount.resolve("agent").resolve(relative));
    Files.writeString(dir.resolve(CgroupTree.PROCS), "");
    return dir;
  }

  private static String procs(Path dir) throws IOException {
    return Files.readString(dir.resolve(CgroupTree.PROCS));
  }

  @Test
  void placesIntoTheContainersOwnDirectoryElseItsNearestAncestors(@TempDir Path mount)
      throws IOException {
    UnifiedMirror mirror = mirror(mount);
    Path executor = guard(mount, "e");
    mirror.place(GRANDCHILD, 42);
    assertEquals("42", procs(executor));

    Path task = guard(mount, "e/mesos/t");
    mirror.place(GRANDCHILD, 43);
    assertEquals("43", procs(task), "the task's directory is nearer than its root's");
    assertEquals("42", procs(executor));
    assertEquals(Optional.of(task), mirror.covering(TASK));
    assertEquals(Optional.of(executor), mirror.covering(EXECUTOR));
  }

  @Test
  void withoutADirectoryNothingIsWrittenOrCreated(@TempDir Path mount) throws IOException {
    UnifiedMirror mirror = mirror(mount);
    mirror.place(TASK, 42);
    mirror.remove(TASK, Duration.ZERO);
    assertFalse(Files.exists(mount.resolve("agent")), "not even the root");

    Path sibling = guard(mount, "sibling");
    mirror.place(TASK, 42);
    assertEquals("", procs(sibling), "another container's guard is not this one's");
    assertEquals(Optional.empty(), mirror.covering(TASK));
    Path agent = mount.resolve("agent");
    assertEquals(List.of(agent, sibling), CgroupTree.at(agent).directories(), "nothing made");
  }

  @Test
  void withoutAUnifiedHierarchyNothingIsMirrored() throws IOException {
    AtomicInteger looks = new AtomicInteger();
    UnifiedMirror mirror =
        new UnifiedMirror(
            new ContainerCgroups(
                mounts -> {
                  looks.incrementAndGet();
                  throw new IOException("no cgroup2 hierarchy is mounted");
                },
                "agent",
                root -> {}));
    mirror.place(TASK, 42);
    mirror.remove(TASK, Duration.ZERO);
    assertEquals(Optional.empty(), mirror.covering(TASK));
    assertEquals(1, looks.get(), "the mount table is asked once");
  }

  @Test
  void aRefusedMoveNamesTheDirectory(@TempDir Path mount) throws IOException {
    UnifiedMirror mirror = mirror(mount);
    Path executor = Files.createDirectories(mount.resolve("agent/e")); // no cgroup.procs to write
    IOException refused = assertThrows(IOException.class, () -> mirror.place(TASK, 42));
    assertTrue(refused.getMessage().contains(executor.toString()), refused.getMessage());
    assertTrue(refused.getMessage().contains("Process 42"), refused.getMessage());
    assertTrue(refused.getMessage().contains("port guard"), refused.getMessage());
  }

  @Test
  void removesOnlyTheContainersOwnDirectoryBottomUp(@TempDir Path mount) throws IOException {
    UnifiedMirror mirror = mirror(mount);
    Path agent = mount.resolve("agent");
    Files.createDirectories(agent.resolve("e/mesos/t/sub"));
    Files.createDirectories(agent.resolve("f"));

    mirror.remove(TASK, Duration.ofSeconds(1));
    assertFalse(Files.exists(agent.resolve("e/mesos/t")));
    assertTrue(Files.isDirectory(agent.resolve("e/mesos")), "the ancestor's directory stays");

    mirror.remove(EXECUTOR, Duration.ofSeconds(1));
    assertFalse(Files.exists(agent.resolve("e")));
    assertTrue(Files.isDirectory(agent.resolve("f")));
    assertTrue(Files.isDirectory(agent), "the root is the guard's, not the container's");
  }

  @Test
  void anAdoptedContainersDirectoriesAreBelowTheAdoptedPath(@TempDir Path mount)
      throws IOException {
    UnifiedMirror mirror = mirror(mount);
    mirror.place(ADOPTED_TASK, 41);
    assertFalse(Files.exists(mount.resolve("engine")), "nothing made when the engine has none");

    Path adopted = Files.createDirectories(mount.resolve("engine/c1"));
    Files.writeString(adopted.resolve(CgroupTree.PROCS), "");
    Files.createDirectories(mount.resolve("agent/e/mesos/t"));
    Files.writeString(mount.resolve("agent/e/mesos/t").resolve(CgroupTree.PROCS), "");
    mirror.place(ADOPTED_TASK, 42);
    assertEquals("42", procs(adopted), "into the adopted directory, not the root's namesake");
    assertEquals("", procs(mount.resolve("agent/e/mesos/t")));

    Path task = Files.createDirectories(adopted.resolve("mesos/t"));
    Files.writeString(task.resolve(CgroupTree.PROCS), "");
    mirror.place(ADOPTED_TASK, 43);
    assertEquals("43", procs(task));
    assertEquals(Optional.of(adopted), mirror.covering(ADOPTED));
  }

  @Test
  void removingAnAdoptedContainerLeavesItsDirectory(@TempDir Path mount) throws IOException {
    UnifiedMirror mirror = mirror(mount);
    Path adopted = Files.createDirectories(mount.resolve("engine/c1"));
    Files.createDirectories(adopted.resolve("mesos/t/mesos/g"));
    Files.createDirectories(adopted.resolve("mesos/u"));
    Files.createDirectories(adopted.resolve("engine-own"));

    mirror.remove(ADOPTED_TASK, Duration.ofSeconds(1));
    assertFalse(Files.exists(adopted.resolve("mesos/t")));
    assertTrue(Files.isDirectory(adopted.resolve("mesos/u")));

    mirror.remove(ADOPTED, Duration.ofSeconds(1));
    assertFalse(Files.exists(adopted.resolve("mesos")), "what was made below it goes");
    assertTrue(Files.isDirectory(adopted.resolve("engine-own")), "the engine's own stays");
    assertTrue(Files.isDirectory(adopted), "the adopted directory stays");
    mirror.remove(ADOPTED, Duration.ofSeconds(1)); // nothing left to remove: not an error
  }
}
