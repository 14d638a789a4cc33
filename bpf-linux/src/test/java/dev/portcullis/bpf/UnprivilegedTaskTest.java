package dev.portcullis.bpf;

import static dev.portcullis.bpf.GuardedHost.only;
import static dev.portcullis.bpf.GuardedHost.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardState;
import dev.portcullis.api.PortRanges;
import dev.portcullis.bpf.abi.AttachType;
import dev.portcullis.bpf.abi.BpfCommand;
import dev.portcullis.bpf.abi.ProgramInfo;
import dev.portcullis.linux.CgroupTree;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A task running as {@code nobody} inside a guarded cgroup can neither undo the guard nor walk out
 * of its cgroup: it cannot get a descriptor for any BPF object, and without one it can neither
 * detach a program attached in multi mode nor write a map.
 */
@RequiresLinuxRoot
class UnprivilegedTaskTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final int NOBODY = 65534;

  @Test
  void nobodyCannotDetachTheGuardRewriteItsMapOrLeaveTheCgroup() throws Exception {
    int allowed = port();
    int refused = port();
    try (GuardedHost host = new GuardedHost()) {
      host.guard().install(EXECUTOR, only(PortRanges.of(allowed), PortRanges.empty()));
      Path cgroup = host.cgroup(EXECUTOR);
      ProgramInfo bind4 = host.attached(cgroup).get(AttachType.CGROUP_INET4_BIND).get(0);
      int mapId = bind4.mapIds().get(0);
      GuardState before = host.guard().find(EXECUTOR).orElseThrow();

      try (Task task = Task.start(OptionalInt.of(NOBODY)).join(cgroup)) {
        assertEquals("err EPERM", task.bind("tcp", "4", "127.0.0.1", refused));
        assertEquals("ok " + allowed, task.bind("tcp", "4", "127.0.0.1", allowed));

        // It cannot get hold of any BPF object: no load, no map, no descriptor by id, no query.
        assertEquals("err EPERM", task.send(words(BpfCommand.PROG_GET_FD_BY_ID, bind4.id())));
        assertEquals("err EPERM", task.send(words(BpfCommand.MAP_GET_FD_BY_ID, mapId)));
        assertEquals("err EPERM", task.send("bpf " + BpfCommand.PROG_LOAD.number()));
        assertEquals("err EPERM", task.send(words(BpfCommand.MAP_CREATE, 2, 4, 4, 1)));
        assertEquals("err EPERM", task.send("bpf " + BpfCommand.PROG_GET_NEXT_ID.number()));
        assertEquals("err EPERM", task.send("bpf-query " + cgroup + " " + bind4Type()));
        // The commands that take a descriptor then fail for want of one. Linux 6.18 checks their
        // arguments before any capability (EINVAL), and a multi-mode detach must name a program.
        assertFalse(task.send("bpf-detach " + cgroup + " " + bind4Type()).startsWith("ok"));
        assertFalse(task.send("bpf " + BpfCommand.MAP_UPDATE_ELEM.number()).startsWith("ok"));

        Path parent = host.root().resolve(CgroupTree.PROCS);
        Path top = host.root().getParent().resolve(CgroupTree.PROCS);
        assertEquals("err EACCES", task.send("join " + parent));
        assertEquals("err EACCES", task.send("join " + top));
        assertEquals(Set.of(task.pid()), CgroupTree.processes(cgroup), "still in its cgroup");

        assertEquals("err EPERM", task.bind("tcp", "6", "::", refused), "still guarded");
      }
      GuardState after = host.guard().find(EXECUTOR).orElseThrow();
      assertTrue(after.complete());
      assertEquals(before.allowance(), after.allowance());
      assertEquals(2, after.refusals().binds());
    }
  }

  private static int bind4Type() {
    return AttachType.CGROUP_INET4_BIND.number();
  }

  /** {@code bpf(command)} with the attr starting with these u32 words. */
  private static String words(BpfCommand command, int... words) {
    StringBuilder line = new StringBuilder("bpf-words " + command.number());
    for (int word : words) {
      line.append(' ').append(word);
    }
    return line.toString();
  }
}
