package dev.portcullis.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checks an adoption passes and what is kept of it, over a directory standing in for a mounted
 * hierarchy; runs anywhere. The real hierarchies are exercised by the trackers' tests.
 */
class AdoptionsTest {

  private static final ContainerId ADOPTED = ContainerId.of("adopted");

  private final Adoptions adoptions = new Adoptions();

  /** A hierarchy at {@code mount} whose root {@code agent} has its control file. */
  private static ContainerCgroups hierarchy(Path mount) throws IOException {
    Files.createDirectories(mount.resolve("agent"));
    Files.writeString(mount.resolve("agent").resolve(CgroupTree.PROCS), "");
    return new ContainerCgroups(mounts -> mount, "agent", root -> {});
  }

  @ParameterizedTest
  @ValueSource(strings = {"/agents/portcullis", "/agents/portcullis/x", "/agents/portcullis/x/y"})
  void refusesACgroupInsideTheRoot(String cgroup) {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> Adoptions.checkOutsideRoot(cgroup, "agents/portcullis"));
    assertTrue(
        error.getMessage().contains("inside the tracker's cgroups root /agents/portcullis"),
        error.getMessage());
    assertTrue(error.getMessage().contains(cgroup), error.getMessage());
  }

  @Test
  void refusesACgroupThatHoldsTheRoot() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> Adoptions.checkOutsideRoot("/agents", "agents/portcullis"));
    assertTrue(error.getMessage().contains("holds the tracker's cgroups root"), error.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/agents/portcullis-other",
        "/agents/other",
        "/agentsx",
        "/libpod_parent/libpod-a"
      })
  void acceptsACgroupBesideTheRoot(String cgroup) {
    assertSame(cgroup, Adoptions.checkOutsideRoot(cgroup, "agents/portcullis"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "relative", "/", "/a/", "/a//b", "/a/./b", "/a/../b"})
  void refusesAMalformedPath(String cgroup) {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> Adoptions.checkOutsideRoot(cgroup, "agent"));
    assertTrue(error.getMessage().contains("Invalid cgroup path"), error.getMessage());
  }

  @Test
  void adoptsAnExistingCgroupAndKeepsItForItsNestedContainersToo(@TempDir Path mount)
      throws IOException {
    ContainerCgroups hierarchy = hierarchy(mount);
    Files.createDirectories(mount.resolve("engine/c1"));

    adoptions.adopt(ADOPTED, "/engine/c1", hierarchy);
    adoptions.adopt(ADOPTED, "/engine/c1", hierarchy); // again: nothing changes

    assertEquals(Optional.of("/engine/c1"), adoptions.cgroup(ADOPTED));
    assertEquals(Optional.empty(), adoptions.cgroup(ADOPTED.child("t")));
    assertEquals(
        new Lineage(List.of("adopted", "t"), Optional.of("/engine/c1")),
        adoptions.lineage(ADOPTED.child("t")));
    assertEquals(Lineage.own(List.of("other")), adoptions.lineage(ContainerId.of("other")));

    adoptions.forget(ADOPTED, "/engine/other");
    assertEquals(Optional.of("/engine/c1"), adoptions.cgroup(ADOPTED), "not adopted there");
    adoptions.forget(ADOPTED, "/engine/c1");
    assertEquals(Optional.empty(), adoptions.cgroup(ADOPTED));
    assertEquals(Lineage.own(List.of("adopted")), adoptions.lineage(ADOPTED));
  }

  @Test
  void refusesWhatCannotBeAdopted(@TempDir Path mount) throws IOException {
    ContainerCgroups hierarchy = hierarchy(mount);
    Files.createDirectories(mount.resolve("engine/c1"));
    Files.createDirectories(mount.resolve("engine/c2"));
    Files.createDirectories(mount.resolve("agent/own"));

    IllegalArgumentException nested =
        assertThrows(
            IllegalArgumentException.class,
            () -> adoptions.adopt(ADOPTED.child("t"), "/engine/c1", hierarchy));
    assertTrue(nested.getMessage().contains("only a top-level container"), nested.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> adoptions.adopt(ADOPTED, "/agent/own", hierarchy));

    NoSuchFileException missing =
        assertThrows(
            NoSuchFileException.class, () -> adoptions.adopt(ADOPTED, "/engine/c3", hierarchy));
    assertEquals(mount.resolve("engine/c3").toString(), missing.getFile());
    assertTrue(missing.getMessage().contains("no such cgroup"), missing.getMessage());
    assertFalse(Files.exists(mount.resolve("engine/c3")));

    IllegalStateException own =
        assertThrows(
            IllegalStateException.class,
            () -> adoptions.adopt(ContainerId.of("own"), "/engine/c1", hierarchy));
    assertTrue(own.getMessage().contains(mount.resolve("agent/own").toString()), own.getMessage());

    adoptions.adopt(ADOPTED, "/engine/c1", hierarchy);
    IllegalStateException elsewhere =
        assertThrows(
            IllegalStateException.class, () -> adoptions.adopt(ADOPTED, "/engine/c2", hierarchy));
    assertTrue(elsewhere.getMessage().contains("/engine/c1 already"), elsewhere.getMessage());
    IllegalStateException taken =
        assertThrows(
            IllegalStateException.class,
            () -> adoptions.adopt(ContainerId.of("second"), "/engine/c1", hierarchy));
    assertTrue(taken.getMessage().contains("container adopted"), taken.getMessage());

    assertEquals(Optional.of("/engine/c1"), adoptions.cgroup(ADOPTED));
    assertEquals(Optional.empty(), adoptions.cgroup(ContainerId.of("second")));
    assertEquals(Optional.empty(), adoptions.cgroup(ContainerId.of("own")));
  }

  @Test
  void anAdoptionNeedsAnAvailableHierarchy() {
    ContainerCgroups hierarchy =
        new ContainerCgroups(
            mounts -> {
              throw new IOException("no cgroup2 hierarchy is mounted");
            },
            "agent",
            root -> {});
    IOException error =
        assertThrows(IOException.class, () -> adoptions.adopt(ADOPTED, "/engine/c1", hierarchy));
    assertTrue(error.getMessage().contains("no cgroup2 hierarchy"), error.getMessage());
    assertEquals(Optional.empty(), adoptions.cgroup(ADOPTED));
  }

  @Test
  void concurrentAdoptionsNeverShareAContainerOrACgroup(@TempDir Path mount) throws Exception {
    ContainerCgroups hierarchy = hierarchy(mount);
    int threads = 8;
    for (int i = 0; i < threads; i++) {
      Files.createDirectories(mount.resolve("engine/c" + i));
    }
    Files.createDirectories(mount.resolve("engine/shared"));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      // One container at eight cgroups, then eight containers at one cgroup.
      assertEquals(1, winners(pool, threads, i -> adopt(ADOPTED, "/engine/c" + i, hierarchy)));
      assertEquals(
          1,
          winners(pool, threads, i -> adopt(ContainerId.of("c" + i), "/engine/shared", hierarchy)));
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  private interface Attempt {
    Callable<Boolean> at(int i);
  }

  private Callable<Boolean> adopt(
      ContainerId container, String cgroup, ContainerCgroups hierarchy) {
    return () -> {
      try {
        adoptions.adopt(container, cgroup, hierarchy);
        return true;
      } catch (IllegalStateException | IOException refused) {
        return false;
      }
    };
  }

  /** Runs every attempt at once; returns how many succeeded. */
  private static int winners(ExecutorService pool, int threads, Attempt attempt) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Callable<Boolean> call = attempt.at(i);
      results.add(
          pool.submit(
              () -> {
                start.await();
                return call.call();
              }));
    }
    start.countDown();
    int won = 0;
    for (Future<Boolean> result : results) {
      won += result.get(10, TimeUnit.SECONDS) ? 1 : 0;
    }
    return won;
  }
}
