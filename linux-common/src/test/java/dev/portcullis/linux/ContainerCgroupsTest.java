package dev.portcullis.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The Mesos layout, the settings and the probe, over a directory standing in for a mounted
 * hierarchy; runs anywhere. The real hierarchies are exercised by the trackers' tests.
 */
class ContainerCgroupsTest {

  /** A hierarchy at {@code mount} whose root cgroup already has its control file. */
  private static ContainerCgroups containers(Path mount) throws IOException {
    Files.createDirectories(mount.resolve("agent"));
    Files.writeString(mount.resolve("agent").resolve(CgroupTree.PROCS), "");
    return new ContainerCgroups(mounts -> mount, "agent", root -> {});
  }

  @Test
  void mapsLineagesToTheMesosLayout(@TempDir Path mount) throws IOException {
    ContainerCgroups containers = containers(mount);
    assertEquals(mount.resolve("agent/e"), containers.path(List.of("e")));
    assertEquals(mount.resolve("agent/e/mesos/t"), containers.path(List.of("e", "t")));
    assertEquals(mount.resolve("agent/e/mesos/t/mesos/g"), containers.path(List.of("e", "t", "g")));
    assertThrows(IllegalArgumentException.class, () -> containers.path(List.of()));
    assertThrows(IllegalArgumentException.class, () -> containers.path(List.of("e", "..")));
    assertThrows(IllegalArgumentException.class, () -> containers.path(List.of("a/b")));
  }

  @Test
  void createsIdempotentlyWithTheMesosDirectory(@TempDir Path mount) throws IOException {
    ContainerCgroups containers = containers(mount);
    containers.create(List.of("e"));
    containers.create(List.of("e"));
    containers.create(List.of("e", "t"));
    containers.create(List.of("e", "t"));
    assertTrue(containers.exists(List.of("e")));
    assertTrue(containers.exists(List.of("e", "t")));
    assertTrue(Files.isDirectory(mount.resolve("agent/e/mesos/t")));
    assertFalse(containers.exists(List.of("other")));
  }

  @Test
  void aNestedContainerNeedsItsParent(@TempDir Path mount) throws IOException {
    ContainerCgroups containers = containers(mount);
    IOException error = assertThrows(IOException.class, () -> containers.create(List.of("e", "t")));
    assertTrue(
        error.getMessage().contains("parent container's cgroup " + mount.resolve("agent/e")),
        error.getMessage());
    assertFalse(Files.exists(mount.resolve("agent/e")));
  }

  /** Container id values in these tests: no '.' (a stand-in for the api's full rule). */
  private static boolean isName(String name) {
    return !name.contains(".");
  }

  @Test
  void readsEveryContainerBackFromTheMesosLayout(@TempDir Path mount) throws IOException {
    ContainerCgroups containers = containers(mount);
    containers.create(List.of("e"));
    containers.create(List.of("e", "t"));
    containers.create(List.of("e", "t", "g"));
    containers.create(List.of("e", "u"));
    containers.create(List.of("f"));
    containers.create(List.of("mesos")); // a top-level container may be called mesos
    Path agent = mount.resolve("agent");
    // Control files are not cgroups.
    Files.writeString(agent.resolve("e").resolve(CgroupTree.PROCS), "");
    Files.writeString(agent.resolve("e/mesos").resolve(CgroupTree.PROCS), "");

    assertEquals(
        List.of(
            List.of("e"),
            List.of("f"),
            List.of("mesos"),
            List.of("e", "t"),
            List.of("e", "u"),
            List.of("e", "t", "g")),
        containers.containers(ContainerCgroupsTest::isName));
  }

  @Test
  void directoriesOutsideTheLayoutAreNotContainers(@TempDir Path mount) throws IOException {
    ContainerCgroups containers = containers(mount);
    containers.create(List.of("e"));
    Path agent = mount.resolve("agent");
    // The task's own sub-cgroups, and what looks like a nested container below one of them.
    Files.createDirectories(agent.resolve("e/system.slice/mesos/x"));
    Files.createDirectories(agent.resolve("e/workers/mesos/y"));
    // Names that are not container ids, with what would be their nested containers.
    Files.createDirectories(agent.resolve("bad.name/mesos/z"));
    Files.createDirectories(agent.resolve("e/mesos/also.bad/mesos/w"));
    // An empty mesos directory, a file named mesos, and links, which are never followed.
    Files.createDirectories(agent.resolve("f/mesos"));
    Files.createDirectories(agent.resolve("g"));
    Files.writeString(agent.resolve("g/mesos"), "");
    Files.createSymbolicLink(agent.resolve("link"), agent.resolve("f"));
    Files.createSymbolicLink(agent.resolve("e/mesos/link"), agent.resolve("f"));

    assertEquals(
        List.of(List.of("e"), List.of("f"), List.of("g")),
        containers.containers(ContainerCgroupsTest::isName));
  }

  @Test
  void noContainersWhenTheRootIsEmptyOrGone(@TempDir Path mount) throws IOException {
    ContainerCgroups containers = containers(mount);
    assertEquals(List.of(), containers.containers(ContainerCgroupsTest::isName));
    Files.delete(mount.resolve("agent").resolve(CgroupTree.PROCS));
    Files.delete(mount.resolve("agent"));
    assertEquals(List.of(), containers.containers(ContainerCgroupsTest::isName));
  }

  @Test
  void listingContainersNeedsTheHierarchy() {
    ContainerCgroups containers =
        new ContainerCgroups(
            mounts -> {
              throw new IOException("no cgroup2 hierarchy is mounted");
            },
            "agent",
            root -> {});
    IOException error = assertThrows(IOException.class, () -> containers.containers(name -> true));
    assertTrue(error.getMessage().contains("no cgroup2 hierarchy"), error.getMessage());
  }

  @Test
  void probesOnceAndKeepsTheCause(@TempDir Path tmp) {
    AtomicInteger looks = new AtomicInteger();
    ContainerCgroups containers =
        new ContainerCgroups(
            mounts -> {
              looks.incrementAndGet();
              throw new IOException("no cgroup2 hierarchy is mounted");
            },
            "agent",
            root -> {});
    Throwable cause = containers.unavailabilityCause().orElseThrow();
    assertEquals("no cgroup2 hierarchy is mounted", cause.getMessage());
    assertEquals(Optional.of(cause), containers.unavailabilityCause());
    IOException use = assertThrows(IOException.class, () -> containers.exists(List.of("e")));
    assertTrue(use.getMessage().contains("no cgroup2 hierarchy is mounted"), use.getMessage());
    assertEquals(1, looks.get());
  }

  @Test
  void findOnlyLooksAndAsksAgainEveryTime(@TempDir Path mount) throws IOException {
    AtomicInteger looks = new AtomicInteger();
    ContainerCgroups containers =
        new ContainerCgroups(
            mounts -> {
              looks.incrementAndGet();
              return mount;
            },
            "a/b",
            root -> {
              throw new IOException("the check never runs for find");
            });
    assertEquals(Optional.empty(), containers.find(List.of("e")));
    assertFalse(Files.exists(mount.resolve("a")), "nothing is created, not even the root");

    Files.createDirectories(mount.resolve("a/b/e/mesos/t"));
    assertEquals(Optional.of(mount.resolve("a/b/e")), containers.find(List.of("e")));
    assertEquals(Optional.of(mount.resolve("a/b/e/mesos/t")), containers.find(List.of("e", "t")));
    assertEquals(Optional.empty(), containers.find(List.of("e", "u")));
    assertThrows(IllegalArgumentException.class, () -> containers.find(List.of("..")));
    assertEquals(1, looks.get(), "the mount is found once");
  }

  @Test
  void findFindsNothingWhereNoHierarchyIsMounted() throws IOException {
    AtomicInteger looks = new AtomicInteger();
    ContainerCgroups containers =
        new ContainerCgroups(
            mounts -> {
              looks.incrementAndGet();
              throw new IOException("no cgroup2 hierarchy is mounted");
            },
            "agent",
            root -> {});
    assertEquals(Optional.empty(), containers.find(List.of("e")));
    assertEquals(Optional.empty(), containers.find(List.of("e", "t")));
    assertEquals(
        "no cgroup2 hierarchy is mounted",
        containers.unavailabilityCause().orElseThrow().getMessage());
    assertEquals(1, looks.get(), "find and the probe share one look at the mount table");
  }

  @Test
  void theRootIsCreatedAndMustBeAWritableCgroup(@TempDir Path mount) {
    ContainerCgroups containers = new ContainerCgroups(mounts -> mount, "a/b", root -> {});
    Throwable cause = containers.unavailabilityCause().orElseThrow();
    assertTrue(Files.isDirectory(mount.resolve("a/b")), "mkdir -p");
    assertTrue(
        cause.getMessage().contains("cgroup " + mount.resolve("a/b") + " is not writable"),
        cause.getMessage());
  }

  @Test
  void theHierarchysOwnCheckDecides(@TempDir Path mount) throws IOException {
    Files.createDirectories(mount.resolve("agent"));
    Files.writeString(mount.resolve("agent").resolve(CgroupTree.PROCS), "");
    ContainerCgroups containers =
        new ContainerCgroups(
            mounts -> mount,
            "agent",
            root -> {
              throw new IOException("cgroup " + root + " has no freezer.state");
            });
    assertTrue(
        containers.unavailabilityCause().orElseThrow().getMessage().contains("freezer.state"));
    assertTrue(containers(mount).unavailabilityCause().isEmpty());
  }

  /** A container adopted at {@code /engine/c1}, and one nested in it. */
  private static final Lineage ADOPTED = new Lineage(List.of("e"), Optional.of("/engine/c1"));

  private static final Lineage ADOPTED_TASK =
      new Lineage(List.of("e", "t"), Optional.of("/engine/c1"));

  @Test
  void anAdoptedContainerIsItsCgroupAndItsNestedOnesAreBelowIt(@TempDir Path mount)
      throws IOException {
    ContainerCgroups containers = containers(mount);
    assertEquals(mount.resolve("engine/c1"), containers.path(ADOPTED));
    assertEquals(mount.resolve("engine/c1/mesos/t"), containers.path(ADOPTED_TASK));
    assertEquals(
        mount.resolve("engine/c1/mesos/t/mesos/g"),
        containers.path(new Lineage(List.of("e", "t", "g"), Optional.of("/engine/c1"))));
    assertEquals(mount.resolve("engine/c1"), containers.directory("/engine/c1"));
    assertEquals(mount.resolve("agent/e"), containers.path(List.of("e")), "the own one is apart");
    assertThrows(IllegalArgumentException.class, () -> containers.directory("engine/c1"));
    assertThrows(
        IllegalArgumentException.class,
        () -> containers.path(new Lineage(List.of("e"), Optional.of("/engine/../agent"))));
  }

  @Test
  void anAdoptedCgroupIsNeverCreatedButItsNestedContainersAre(@TempDir Path mount)
      throws IOException {
    ContainerCgroups containers = containers(mount);
    IOException gone = assertThrows(IOException.class, () -> containers.create(ADOPTED));
    assertTrue(
        gone.getMessage().contains(mount.resolve("engine/c1").toString()), gone.getMessage());
    assertTrue(gone.getMessage().contains("never created"), gone.getMessage());
    assertThrows(IOException.class, () -> containers.create(ADOPTED_TASK));
    assertFalse(Files.exists(mount.resolve("engine")));

    Files.createDirectories(mount.resolve("engine/c1"));
    containers.create(ADOPTED);
    containers.create(ADOPTED_TASK);
    containers.create(ADOPTED_TASK);
    assertTrue(containers.exists(ADOPTED_TASK));
    assertTrue(Files.isDirectory(mount.resolve("engine/c1/mesos/t")));
    assertFalse(containers.exists(List.of("e")), "nothing made under the root");
    assertEquals(List.of(), containers.containers(ContainerCgroupsTest::isName));
  }

  @Test
  void removingAnAdoptedContainerRemovesOnlyWhatIsBelowItsMesosDirectory(@TempDir Path mount)
      throws IOException {
    ContainerCgroups containers = containers(mount);
    Path adopted = Files.createDirectories(mount.resolve("engine/c1"));
    Files.createDirectories(adopted.resolve("engine-own"));
    containers.create(ADOPTED_TASK);
    containers.create(new Lineage(List.of("e", "t", "g"), Optional.of("/engine/c1")));
    containers.create(new Lineage(List.of("e", "u"), Optional.of("/engine/c1")));

    containers.remove(ADOPTED_TASK, Duration.ofSeconds(1));
    assertFalse(Files.exists(adopted.resolve("mesos/t")));
    assertTrue(Files.isDirectory(adopted.resolve("mesos/u")));

    containers.remove(ADOPTED, Duration.ofSeconds(1));
    assertFalse(Files.exists(adopted.resolve("mesos")));
    assertTrue(Files.isDirectory(adopted.resolve("engine-own")), "the engine's own stays");
    assertTrue(Files.isDirectory(adopted), "the adopted cgroup stays");
    containers.remove(ADOPTED, Duration.ofSeconds(1)); // nothing left below it: not an error

    containers.create(ADOPTED_TASK);
    containers.removeFound(ADOPTED, Duration.ofSeconds(1));
    assertFalse(Files.exists(adopted.resolve("mesos")));
    assertTrue(Files.isDirectory(adopted));
  }

  @Test
  void findLooksBelowAnAdoptedCgroupWithoutTheProbe(@TempDir Path mount) throws IOException {
    ContainerCgroups containers =
        new ContainerCgroups(
            mounts -> mount,
            "agent",
            root -> {
              throw new IOException("the check never runs for find");
            });
    assertEquals(Optional.empty(), containers.find(ADOPTED));
    Files.createDirectories(mount.resolve("engine/c1/mesos/t"));
    assertEquals(Optional.of(mount.resolve("engine/c1")), containers.find(ADOPTED));
    assertEquals(Optional.of(mount.resolve("engine/c1/mesos/t")), containers.find(ADOPTED_TASK));
    assertFalse(Files.exists(mount.resolve("agent")), "nothing is created, not even the root");
  }
}
