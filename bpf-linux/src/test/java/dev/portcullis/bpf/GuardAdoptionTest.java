package dev.portcullis.bpf;

import static dev.portcullis.bpf.GuardedHost.only;
import static dev.portcullis.bpf.GuardedHost.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard on a cgroup another engine made, outside the root: installed on that cgroup with its
 * processes already in it, judging their binds from then on, found again by a fresh provider that
 * adopts it too, and detached at removal with the cgroup left in place.
 */
@RequiresLinuxRoot
class GuardAdoptionTest {

  private static final ContainerId ADOPTED = ContainerId.of("adopted");

  private GuardedHost host;
  private ScratchCgroups engine;
  private Path cgroup;
  private Task task;

  @BeforeEach
  void engineCgroupWithAProcess() throws IOException {
    host = new GuardedHost();
    engine = new ScratchCgroups("portcullis-adopt-test");
    cgroup = Files.createDirectories(engine.v2().orElseThrow().resolve("engine"));
    task = Task.start().join(cgroup);
  }

  @AfterEach
  void cleanUp() {
    try {
      task.close();
    } finally {
      try {
        engine.close();
      } finally {
        host.close();
      }
    }
  }

  @Test
  void anAdoptedCgroupIsGuardedInPlaceUntilRemoved() throws Exception {
    int allowed = port();
    int other = port();
    BpfPortGuard guard = host.guard();
    assertTrue(guard.adoptsCgroups());
    guard.adopt(ADOPTED, engine.cgroup() + "/engine");
    guard.install(ADOPTED, only(PortRanges.of(allowed), PortRanges.empty()));

    assertFalse(Files.exists(host.cgroup(ADOPTED)), "the guard made a cgroup under the root");
    assertFalse(host.attached(cgroup).values().stream().allMatch(java.util.List::isEmpty));
    assertTrue(task.bind("tcp", "4", "0.0.0.0", other).startsWith("err"), "the bind went through");
    assertEquals("ok " + allowed, task.bind("tcp", "4", "0.0.0.0", allowed));

    BpfPortGuard restarted = host.provider();
    assertEquals(Optional.empty(), restarted.find(ADOPTED), "found without the adoption");
    restarted.adopt(ADOPTED, engine.cgroup() + "/engine");
    assertEquals(guard.find(ADOPTED), restarted.find(ADOPTED));

    guard.remove(ADOPTED);
    assertTrue(host.attached(cgroup).values().stream().allMatch(java.util.List::isEmpty));
    assertTrue(Files.isDirectory(cgroup), "the engine's cgroup was removed");
    assertEquals(Optional.empty(), guard.find(ADOPTED), "the adoption outlived the removal");
    assertTrue(task.bind("tcp", "4", "0.0.0.0", other).startsWith("ok"), "still guarded");
  }

  @Test
  void aMissingCgroupOrOneUnderTheRootIsNotAdopted() {
    BpfPortGuard guard = host.guard();
    assertThrows(IOException.class, () -> guard.adopt(ADOPTED, engine.cgroup() + "/missing"));
    assertThrows(
        IllegalArgumentException.class,
        () -> guard.adopt(ADOPTED, "/" + host.root().getFileName() + "/x"));
  }
}
