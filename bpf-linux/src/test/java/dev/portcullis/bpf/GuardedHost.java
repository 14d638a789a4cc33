package dev.portcullis.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.bpf.abi.AttachType;
import dev.portcullis.bpf.abi.ProgramInfo;
import dev.portcullis.bpf.sys.Bpf;
import dev.portcullis.bpf.sys.Fd;
import dev.portcullis.linux.ContainerCgroups;
import dev.portcullis.linux.UnifiedMount;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One test's guarded world: a scratch cgroup root of its own, a {@code bpf} guard configured for
 * it, and ways to look at what the kernel has attached. Closing kills and removes every cgroup
 * under the root, which frees every program and map attached there.
 */
final class GuardedHost implements AutoCloseable {

  /** The kernel's ephemeral range here (net.ipv4.ip_local_port_range). */
  static final PortRanges EPHEMERAL = PortRanges.range(32768, 60999);

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private final ScratchCgroups scratch = new ScratchCgroups();
  private final ProviderSettings settings =
      ProviderSettings.empty().with(ProcessTracker.CGROUPS_ROOT_SETTING, scratch.name());
  private final BpfPortGuard guard;

  GuardedHost() {
    guard = provider();
    assertEquals(Optional.empty(), guard.unavailabilityCause().map(Throwable::toString));
  }

  /** The guard every test uses. */
  BpfPortGuard guard() {
    return guard;
  }

  /** A fresh provider with the same settings, as after an agent restart. */
  BpfPortGuard provider() {
    BpfPortGuard fresh = new BpfPortGuard();
    fresh.initialize(settings);
    return fresh;
  }

  /** The container's cgroup directory, in the Mesos layout under this test's root. */
  Path cgroup(ContainerId container) {
    Path dir = scratch.v2().orElseThrow();
    for (ContainerId part : container.lineage()) {
      dir = (part.isNested() ? dir.resolve(ContainerCgroups.NESTED) : dir).resolve(part.value());
    }
    return dir;
  }

  /** The containers' cgroups of this test, as a tracker would lay them out. */
  ContainerCgroups cgroups() {
    return ContainerCgroups.fromSettings(settings, UnifiedMount::new, root -> {});
  }

  /** The containers' root cgroup of this test. */
  Path root() {
    return scratch.v2().orElseThrow();
  }

  /** Every program attached to the cgroup itself, by attach type. */
  Map<AttachType, List<ProgramInfo>> attached(Path cgroup) throws IOException {
    Bpf bpf = Bpf.get();
    Map<AttachType, List<ProgramInfo>> found = new EnumMap<>(AttachType.class);
    try (Fd dir = bpf.openDirectory(cgroup)) {
      for (AttachType type : AttachType.cgroupHooks()) {
        List<ProgramInfo> programs = new ArrayList<>();
        for (int id : bpf.query(dir, type).programIds()) {
          Optional<Fd> fd = bpf.programById(id);
          if (fd.isPresent()) {
            try (Fd program = fd.get()) {
              programs.add(bpf.programInfo(program));
            }
          }
        }
        found.put(type, programs);
      }
    }
    return found;
  }

  /**
   * A port free now for TCP and UDP and outside the ephemeral range, so that no {@code bind(0)} of
   * a test can be given it; never the same twice in a JVM.
   */
  static int port() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20000, 32000);
      if (FreePorts.isFree(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("No free port in 20000-32000");
  }

  /** TCP may bind {@code tcp}, UDP {@code udp}; nothing else, named or picked. */
  static BindAllowance only(PortRanges tcp, PortRanges udp) {
    return BindAllowance.of(
        new BindAllowance.Rule(tcp, PortRanges.empty()),
        new BindAllowance.Rule(udp, PortRanges.empty()));
  }

  @Override
  public void close() {
    scratch.close();
  }
}
