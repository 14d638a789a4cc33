package dev.portcullis.bpf;

import static dev.portcullis.bpf.GuardedHost.EPHEMERAL;
import static dev.portcullis.bpf.GuardedHost.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import org.junit.jupiter.api.Test;

/**
 * {@code listen()} on a socket that was never bound takes an ephemeral port without any bind check;
 * the listen check kills the caller when that port is outside the allowance. It fires here without
 * the socket asking for TCP callbacks: the kernel makes the listen callback to every socket-ops
 * program of the socket's cgroup.
 */
@RequiresLinuxRoot
class ListenCheckTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final int SIGKILL_EXIT = 128 + 9;

  @Test
  void thisKernelRunsTheListenCheck() {
    try (GuardedHost host = new GuardedHost()) {
      assertTrue(
          host.guard().stopsUnboundListeners(),
          () -> "the listen check is off: " + host.guard().listenUnavailabilityCause());
    }
  }

  @Test
  void aProcessListeningOnAnUnboundSocketOutsideTheAllowanceIsKilled() throws Exception {
    int named = port();
    BindAllowance noPicks =
        BindAllowance.of(
            new BindAllowance.Rule(PortRanges.of(named), PortRanges.all().minus(EPHEMERAL)),
            BindAllowance.Rule.any());
    for (String family : new String[] {"4", "6"}) {
      try (GuardedHost host = new GuardedHost()) {
        host.guard().install(EXECUTOR, noPicks);
        try (Task task = Task.start().join(host.cgroup(EXECUTOR))) {
          String wildcard = family.equals("4") ? "0.0.0.0" : "::";
          assertEquals(
              "ok " + named,
              task.send("hold tcp " + family + " " + wildcard + " " + named),
              "a socket bound to an allowed port may listen");
          assertNull(task.send("listen " + family), "killed before it could answer");
          assertTrue(task.exited(10));
          assertEquals(SIGKILL_EXIT, task.exitCode());
        }
        GuardRefusals refusals = host.guard().find(EXECUTOR).orElseThrow().refusals();
        assertEquals(0, refusals.binds());
        assertEquals(1, refusals.listeners(), refusals.toString());
        assertEquals(1, refusals.ports().size(), refusals.toString());
        assertTrue(EPHEMERAL.containsAll(refusals.ports()), refusals.toString());
      }
    }
  }

  @Test
  void aListenerOnAnAllowedPickedPortIsLeftAlone() throws Exception {
    BindAllowance anyPick =
        BindAllowance.of(
            new BindAllowance.Rule(PortRanges.empty(), PortRanges.all()), BindAllowance.Rule.any());
    try (GuardedHost host = new GuardedHost()) {
      host.guard().install(EXECUTOR, anyPick);
      try (Task task = Task.start().join(host.cgroup(EXECUTOR))) {
        for (String family : new String[] {"4", "6"}) {
          String answer = task.send("listen " + family);
          assertTrue(answer.startsWith("ok "), answer);
          assertTrue(EPHEMERAL.contains(Integer.parseInt(answer.substring(3))), answer);
        }
        assertTrue(task.isAlive());
      }
      assertEquals(GuardRefusals.none(), host.guard().find(EXECUTOR).orElseThrow().refusals());
    }
  }
}
