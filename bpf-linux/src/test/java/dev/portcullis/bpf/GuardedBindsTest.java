package dev.portcullis.bpf;

import static dev.portcullis.bpf.GuardedHost.EPHEMERAL;
import static dev.portcullis.bpf.GuardedHost.only;
import static dev.portcullis.bpf.GuardedHost.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.GuardState;
import dev.portcullis.api.PortRanges;
import dev.portcullis.linux.ContainerIds;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A task in a guarded cgroup binds what its allowance allows and gets EPERM for the rest. */
@RequiresLinuxRoot
class GuardedBindsTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");

  @Test
  void namedTcpBindsFollowTheAllowanceOnEveryFamily() throws Exception {
    int allowed = port();
    int refused = port();
    try (GuardedHost host = new GuardedHost()) {
      host.guard().install(EXECUTOR, only(PortRanges.of(allowed), PortRanges.empty()));
      try (Task task = Task.start().join(host.cgroup(EXECUTOR))) {
        assertEquals("ok " + allowed, task.bind("tcp", "4", "127.0.0.1", allowed));
        assertEquals("ok " + allowed, task.bind("tcp", "4", "0.0.0.0", allowed));
        assertEquals("ok " + allowed, task.bind("tcp", "6only", "::1", allowed));
        assertEquals("ok " + allowed, task.bind("tcp", "6", "::", allowed));
        assertEquals("ok " + allowed, task.bind("tcp", "6", "::ffff:127.0.0.1", allowed));

        assertEquals("err EPERM", task.bind("tcp", "4", "127.0.0.1", refused));
        assertEquals("err EPERM", task.bind("tcp", "4", "0.0.0.0", refused));
        assertEquals("err EPERM", task.bind("tcp", "6only", "::1", refused));
        assertEquals("err EPERM", task.bind("tcp", "6", "::", refused), "dual-stack");
        assertEquals("err EPERM", task.bind("tcp", "6", "::ffff:127.0.0.1", refused), "v4-mapped");
      }
    }
  }

  @Test
  void aPickedPortIsJudgedAfterTheKernelChoseIt() throws Exception {
    int named = port();
    // Every ephemeral pick is refused: the kernel picks only from 32768-60999 here.
    BindAllowance noPicks =
        BindAllowance.of(
            new BindAllowance.Rule(PortRanges.of(named), PortRanges.all().minus(EPHEMERAL)),
            new BindAllowance.Rule(PortRanges.of(named), PortRanges.all().minus(EPHEMERAL)));
    BindAllowance anyPick =
        BindAllowance.of(
            new BindAllowance.Rule(PortRanges.of(named), PortRanges.all()),
            new BindAllowance.Rule(PortRanges.of(named), PortRanges.all()));
    try (GuardedHost host = new GuardedHost()) {
      host.guard().install(EXECUTOR, noPicks);
      try (Task task = Task.start().join(host.cgroup(EXECUTOR))) {
        for (String family : new String[] {"4", "6", "6only"}) {
          String address = family.equals("4") ? "127.0.0.1" : "::";
          assertEquals("err EPERM", task.bind("tcp", family, address, 0), family);
          assertEquals("err EPERM", task.bind("udp", family, address, 0), family);
          assertEquals("ok " + named, task.bind("tcp", family, address, named), family);
        }
        host.guard().update(EXECUTOR, anyPick);
        for (String family : new String[] {"4", "6", "6only"}) {
          String address = family.equals("4") ? "127.0.0.1" : "::";
          for (String protocol : new String[] {"tcp", "udp"}) {
            String answer = task.bind(protocol, family, address, 0);
            assertTrue(answer.startsWith("ok "), protocol + family + ": " + answer);
            assertTrue(EPHEMERAL.contains(Integer.parseInt(answer.substring(3))), answer);
          }
        }
      }
    }
  }

  @Test
  void udpFollowsItsOwnRule() throws Exception {
    int tcpPort = port();
    int udpPort = port();
    try (GuardedHost host = new GuardedHost()) {
      host.guard().install(EXECUTOR, only(PortRanges.of(tcpPort), PortRanges.of(udpPort)));
      try (Task task = Task.start().join(host.cgroup(EXECUTOR))) {
        assertEquals("ok " + udpPort, task.bind("udp", "4", "127.0.0.1", udpPort));
        assertEquals("ok " + udpPort, task.bind("udp", "6", "::", udpPort));
        assertEquals("err EPERM", task.bind("udp", "4", "127.0.0.1", tcpPort));
        assertEquals("err EPERM", task.bind("udp", "6", "::ffff:127.0.0.1", tcpPort));
        assertEquals("err EPERM", task.bind("tcp", "4", "127.0.0.1", udpPort));
        assertEquals("ok " + tcpPort, task.bind("tcp", "4", "127.0.0.1", tcpPort));
      }
    }
  }

  @Test
  void anUpdateIsSeenByTheVeryNextBind() throws Exception {
    int first = port();
    int second = port();
    try (GuardedHost host = new GuardedHost()) {
      host.guard().install(EXECUTOR, only(PortRanges.of(first), PortRanges.empty()));
      try (Task task = Task.start().join(host.cgroup(EXECUTOR))) {
        assertEquals("err EPERM", task.bind("tcp", "4", "127.0.0.1", second));
        host.guard().update(EXECUTOR, only(PortRanges.of(second), PortRanges.of(second)));
        assertEquals("ok " + second, task.bind("tcp", "4", "127.0.0.1", second));
        assertEquals("ok " + second, task.bind("udp", "6", "::", second));
        assertEquals("err EPERM", task.bind("tcp", "4", "127.0.0.1", first));
        host.guard().update(EXECUTOR, BindAllowance.any());
        assertEquals("ok " + first, task.bind("tcp", "6", "::", first));
      }
    }
  }

  @Test
  void refusalsAreCountedAndTheirPortsRecorded() throws Exception {
    int allowed = port();
    int refusedTcp = port();
    int refusedUdp = port();
    BindAllowance noPicks =
        BindAllowance.of(
            new BindAllowance.Rule(PortRanges.of(allowed), PortRanges.empty()),
            new BindAllowance.Rule(PortRanges.of(allowed), PortRanges.empty()));
    try (GuardedHost host = new GuardedHost()) {
      host.guard().install(EXECUTOR, noPicks);
      assertEquals(GuardRefusals.none(), host.guard().find(EXECUTOR).orElseThrow().refusals());
      try (Task task = Task.start().join(host.cgroup(EXECUTOR))) {
        assertEquals("err EPERM", task.bind("tcp", "4", "127.0.0.1", refusedTcp));
        assertEquals("err EPERM", task.bind("tcp", "6", "::", refusedTcp));
        assertEquals("err EPERM", task.bind("udp", "6only", "::1", refusedUdp));
        assertEquals("err EPERM", task.bind("tcp", "4", "127.0.0.1", 0));
        assertEquals("ok " + allowed, task.bind("tcp", "4", "127.0.0.1", allowed));
      }
      GuardRefusals refusals = host.guard().find(EXECUTOR).orElseThrow().refusals();
      assertEquals(4, refusals.binds(), refusals.toString());
      assertEquals(0, refusals.listeners());
      PortRanges named = PortRanges.of(refusedTcp, refusedUdp);
      assertTrue(refusals.ports().containsAll(named), refusals.toString());
      PortRanges picked = refusals.ports().minus(named);
      assertEquals(1, picked.size(), "the port the kernel picked: " + refusals);
      assertTrue(EPHEMERAL.containsAll(picked), refusals.toString());
      // A fresh provider reads the same counts from the map alone.
      assertEquals(refusals, host.provider().find(EXECUTOR).orElseThrow().refusals());
    }
  }

  @Test
  void theGuardCoversNestedContainers() throws Exception {
    int allowed = port();
    int refused = port();
    ContainerId nested = EXECUTOR.child("task");
    try (GuardedHost host = new GuardedHost()) {
      host.guard().install(EXECUTOR, only(PortRanges.of(allowed), PortRanges.empty()));
      host.cgroups().create(ContainerIds.lineage(nested));
      try (Task task = Task.start().join(host.cgroup(nested))) {
        assertEquals("err EPERM", task.bind("tcp", "4", "127.0.0.1", refused));
        assertEquals("ok " + allowed, task.bind("tcp", "4", "127.0.0.1", allowed));
      }
      GuardState state = host.guard().find(EXECUTOR).orElseThrow();
      assertEquals(1, state.refusals().binds());
      assertEquals(Optional.empty(), host.guard().find(nested), "no guard of its own");
    }
  }
}
