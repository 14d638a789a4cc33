package dev.portcullis.testkit.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.linux.ProcessDescriptors;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import org.junit.jupiter.api.Test;

@RequiresLinuxRoot
class ListenerTest {

  @Test
  void aListenerHoldsItsSocketsUntilClosed() throws IOException {
    int port = FreePorts.any();
    Listener listener = Listener.builder().tcp4("127.0.0.1", port).udp6("::", port, false).start();
    try {
      assertEquals(2, new ProcessDescriptors().socketInodes(listener.pid()).size());
      assertFalse(FreePorts.isFree(port));
    } finally {
      listener.close();
    }
    assertFalse(listener.isAlive());
    assertTrue(FreePorts.isFree(port));
  }

  @Test
  void aForkedListenerHoldsItsSocketsInTheChild() throws IOException {
    int port = FreePorts.any();
    try (Listener listener = Listener.builder().tcp6("::", port, true).forked().start()) {
      assertEquals(2, listener.pids().size());
      assertEquals(Set.of(), new ProcessDescriptors().socketInodes(listener.pid()));
      assertEquals(1, new ProcessDescriptors().socketInodes(listener.holder()).size());
    }
    assertTrue(FreePorts.isFree(port), "the forked child outlived close()");
  }

  @Test
  void scratchCgroupsAreRemovedWithTheirProcesses() throws IOException {
    ScratchCgroups scratch = new ScratchCgroups();
    var v2 = scratch.v2().orElseThrow();
    Files.createDirectories(v2.resolve("a/mesos/b"));
    Listener.Started started = Listener.builder().tcp4("127.0.0.1", 0).waitForGo().startProcess();
    try {
      Files.writeString(v2.resolve("a/mesos/b/cgroup.procs"), Long.toString(started.pid()));
      scratch.close();
      assertFalse(Files.exists(v2));
      assertFalse(Listener.isRunning(started.pid()), "the process in the scratch cgroup survived");
    } finally {
      started.kill();
      scratch.close();
    }
  }
}
