package dev.portcullis.bpf;

import static dev.portcullis.bpf.GuardedHost.only;
import static dev.portcullis.bpf.GuardedHost.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardState;
import dev.portcullis.api.PortRanges;
import dev.portcullis.bpf.abi.AttachType;
import dev.portcullis.bpf.abi.ProgramInfo;
import dev.portcullis.bpf.abi.ProgramType;
import dev.portcullis.bpf.asm.Assembler;
import dev.portcullis.bpf.asm.Reg;
import dev.portcullis.bpf.guard.GuardProgram;
import dev.portcullis.bpf.sys.Bpf;
import dev.portcullis.bpf.sys.Fd;
import dev.portcullis.linux.ContainerIds;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Installing, finding again, replacing and removing guards, as the kernel sees it: which programs
 * are attached where, and which programs and maps still exist.
 */
@RequiresLinuxRoot
class GuardLifecycleTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");

  /** Our programs attached to the cgroup, by attach type. */
  private static Map<AttachType, List<String>> ours(GuardedHost host, Path cgroup)
      throws IOException {
    return host.attached(cgroup).entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e ->
                    e.getValue().stream()
                        .map(ProgramInfo::name)
                        .filter(n -> n.startsWith("pc_"))
                        .collect(Collectors.toList())));
  }

  /** What one whole guard looks like: each program once, at its own attach type. */
  private static Map<AttachType, List<String>> oneGuard(BpfPortGuard guard) {
    Map<AttachType, List<String>> expected = new java.util.EnumMap<>(AttachType.class);
    for (AttachType type : AttachType.cgroupHooks()) {
      expected.put(type, List.of());
    }
    for (GuardProgram program : GuardProgram.values()) {
      if (program != GuardProgram.LISTEN || guard.stopsUnboundListeners()) {
        expected.put(program.attachType(), List.of(program.programName()));
      }
    }
    return expected;
  }

  /** The ids of the programs attached to a cgroup and of the maps they use. */
  private record Ids(Set<Integer> programs, Set<Integer> maps) {}

  private static Ids ids(GuardedHost host, Path cgroup) throws IOException {
    Set<Integer> programs = new HashSet<>();
    Set<Integer> maps = new HashSet<>();
    for (List<ProgramInfo> infos : host.attached(cgroup).values()) {
      for (ProgramInfo info : infos) {
        programs.add(info.id());
        maps.addAll(info.mapIds());
      }
    }
    return new Ids(programs, maps);
  }

  private static boolean allGone(Ids ids) throws IOException {
    for (int id : ids.programs()) {
      if (KernelObjects.programExists(id)) {
        return false;
      }
    }
    for (int id : ids.maps()) {
      if (KernelObjects.mapExists(id)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void installCreatesTheCgroupAndAttachesOneWholeGuard() throws Exception {
    try (GuardedHost host = new GuardedHost()) {
      Path cgroup = host.cgroup(EXECUTOR);
      assertFalse(Files.exists(cgroup));
      BindAllowance allowance = only(PortRanges.of(port()), PortRanges.of(port()));
      host.guard().install(EXECUTOR, allowance);

      assertTrue(Files.isDirectory(cgroup));
      assertEquals(oneGuard(host.guard()), ours(host, cgroup));
      Ids ids = ids(host, cgroup);
      assertEquals(1, ids.maps().size(), "every program uses the one map: " + ids.maps());
      assertEquals(
          Optional.of(new GuardState(allowance, true, dev.portcullis.api.GuardRefusals.none())),
          host.guard().find(EXECUTOR));
    }
  }

  @Test
  void aFreshProviderFindsTheSameGuardFromTheCgroupAlone() throws Exception {
    try (GuardedHost host = new GuardedHost()) {
      // Canonical, as find() reads it back: assignable holds no bindable port.
      PortRanges bindable = PortRanges.of(port());
      PortRanges outsideScope = PortRanges.range(0, 30999).union(PortRanges.range(32001, 65535));
      BindAllowance allowance =
          BindAllowance.of(
              new BindAllowance.Rule(bindable, outsideScope.minus(bindable)),
              BindAllowance.Rule.any());
      host.guard().install(EXECUTOR, allowance);

      GuardState found = host.provider().find(EXECUTOR).orElseThrow();
      assertEquals(allowance, found.allowance());
      assertTrue(found.complete());
      assertEquals(found, host.guard().find(EXECUTOR).orElseThrow());
    }
  }

  @Test
  void installingAgainReplacesTheGuardWithExactlyOneSet() throws Exception {
    try (GuardedHost host = new GuardedHost()) {
      Path cgroup = host.cgroup(EXECUTOR);
      host.guard().install(EXECUTOR, BindAllowance.any());
      Ids first = ids(host, cgroup);
      BindAllowance last = null;
      for (int i = 0; i < 5; i++) {
        last = only(PortRanges.of(port()), PortRanges.empty());
        // A fresh provider each time, as a restarted agent would install.
        (i % 2 == 0 ? host.guard() : host.provider()).install(EXECUTOR, last);
      }
      assertEquals(oneGuard(host.guard()), ours(host, cgroup));
      GuardState state = host.guard().find(EXECUTOR).orElseThrow();
      assertTrue(state.complete());
      assertEquals(last, state.allowance());
      assertTrue(
          KernelObjects.eventually(() -> allGone(first)),
          "the replaced guard's programs and map are freed");
    }
  }

  @Test
  void removeDetachesEverythingAndTheKernelFreesIt() throws Exception {
    try (GuardedHost host = new GuardedHost()) {
      Path cgroup = host.cgroup(EXECUTOR);
      host.guard().install(EXECUTOR, only(PortRanges.of(port()), PortRanges.empty()));
      Ids ids = ids(host, cgroup);
      assertFalse(ids.programs().isEmpty());

      host.provider().remove(EXECUTOR);

      assertTrue(ours(host, cgroup).values().stream().allMatch(List::isEmpty));
      assertEquals(Optional.empty(), host.guard().find(EXECUTOR));
      assertTrue(KernelObjects.eventually(() -> allGone(ids)), "programs and map freed");
      host.guard().remove(EXECUTOR); // nothing left: not an error
      try (Task task = Task.start().join(cgroup)) {
        int any = port();
        assertEquals("ok " + any, task.bind("tcp", "4", "127.0.0.1", any));
      }
    }
  }

  @Test
  void removingTheCgroupFreesTheGuardAndNothingOfOursIsLeftOnTheHost() throws Exception {
    try (GuardedHost host = new GuardedHost()) {
      Map<Integer, String> programsBefore = KernelObjects.programs();
      Map<Integer, String> mapsBefore = KernelObjects.maps();
      Path cgroup = host.cgroup(EXECUTOR);
      host.guard().install(EXECUTOR, BindAllowance.any());
      Ids ids = ids(host, cgroup);

      Files.delete(cgroup);

      assertTrue(KernelObjects.eventually(() -> allGone(ids)), "programs and map freed");
      assertTrue(
          KernelObjects.eventually(
              () ->
                  ourNew(KernelObjects.programs(), programsBefore).isEmpty()
                      && ourNew(KernelObjects.maps(), mapsBefore).isEmpty()),
          "no program or map of ours is left on the host");
      assertEquals(Optional.empty(), host.guard().find(EXECUTOR));
      host.guard().remove(EXECUTOR); // no cgroup: not an error
    }
  }

  private static Map<Integer, String> ourNew(
      Map<Integer, String> now, Map<Integer, String> before) {
    return now.entrySet().stream()
        .filter(e -> !before.containsKey(e.getKey()) && e.getValue().startsWith("pc_"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  @Test
  void aGuardMissingAProgramIsFoundIncompleteAndInstallMakesItWhole() throws Exception {
    try (GuardedHost host = new GuardedHost()) {
      Path cgroup = host.cgroup(EXECUTOR);
      BindAllowance allowance = only(PortRanges.of(port()), PortRanges.empty());
      host.guard().install(EXECUTOR, allowance);
      detachOurs(cgroup, GuardProgram.POST6);

      GuardState broken = host.guard().find(EXECUTOR).orElseThrow();
      assertFalse(broken.complete());
      assertEquals(allowance, broken.allowance());

      host.guard().install(EXECUTOR, allowance);
      assertTrue(host.guard().find(EXECUTOR).orElseThrow().complete());
      assertEquals(oneGuard(host.guard()), ours(host, cgroup));
    }
  }

  private static void detachOurs(Path cgroup, GuardProgram program) throws IOException {
    Bpf bpf = Bpf.get();
    try (Fd dir = bpf.openDirectory(cgroup)) {
      for (int id : bpf.query(dir, program.attachType()).programIds()) {
        try (Fd fd = bpf.programById(id).orElseThrow()) {
          if (bpf.programInfo(fd).name().equals(program.programName())) {
            bpf.detach(dir, fd, program.attachType());
          }
        }
      }
    }
  }

  @Test
  void anInstallThatFailsHalfWayLeavesNothingOfItselfAttached() throws Exception {
    try (GuardedHost host = new GuardedHost()) {
      Path cgroup = host.cgroup(EXECUTOR);
      host.cgroups().create(ContainerIds.lineage(EXECUTOR));
      Bpf bpf = Bpf.get();
      // A program attached without multi mode owns its hook: the guard's third attach fails.
      Assembler allow = new Assembler().mov(Reg.R0, 1).exit();
      try (Fd dir = bpf.openDirectory(cgroup);
          Fd foreign =
              bpf.loadProgram(
                  ProgramType.CGROUP_SOCK,
                  AttachType.CGROUP_INET4_POST_BIND,
                  allow.assemble(),
                  "foreign",
                  "GPL")) {
        bpf.attach(dir, foreign, AttachType.CGROUP_INET4_POST_BIND, 0);

        IOException failure =
            assertThrows(
                IOException.class,
                () ->
                    host.guard()
                        .install(EXECUTOR, only(PortRanges.of(port()), PortRanges.empty())));
        assertTrue(failure.getMessage().contains("BPF_PROG_ATTACH"), failure.getMessage());
        assertTrue(failure.getMessage().contains(EXECUTOR.toString()), failure.getMessage());

        assertTrue(
            ours(host, cgroup).values().stream().allMatch(List::isEmpty),
            ours(host, cgroup).toString());
        assertEquals(
            List.of("foreign"),
            host.attached(cgroup).get(AttachType.CGROUP_INET4_POST_BIND).stream()
                .map(ProgramInfo::name)
                .collect(Collectors.toList()));
        assertEquals(Optional.empty(), host.guard().find(EXECUTOR));
        bpf.detach(dir, foreign, AttachType.CGROUP_INET4_POST_BIND);
      }
    }
  }

  @Test
  void callsWithoutAGuardOrACgroup() throws Exception {
    try (GuardedHost host = new GuardedHost()) {
      BindAllowance any = BindAllowance.any();
      IllegalArgumentException nested =
          assertThrows(
              IllegalArgumentException.class,
              () -> host.guard().install(EXECUTOR.child("task"), any));
      assertTrue(nested.getMessage().contains("nested"), nested.getMessage());

      assertEquals(Optional.empty(), host.guard().find(EXECUTOR), "no cgroup");
      host.guard().remove(EXECUTOR);
      IOException noCgroup =
          assertThrows(IOException.class, () -> host.guard().update(EXECUTOR, any));
      assertTrue(noCgroup.getMessage().contains("no bpf guard"), noCgroup.getMessage());

      host.cgroups().create(ContainerIds.lineage(EXECUTOR));
      assertEquals(Optional.empty(), host.guard().find(EXECUTOR), "a cgroup without a guard");
      host.guard().remove(EXECUTOR);
      IOException noGuard =
          assertThrows(IOException.class, () -> host.guard().update(EXECUTOR, any));
      assertTrue(noGuard.getMessage().contains("no bpf guard"), noGuard.getMessage());
    }
  }
}
