package dev.portcullis.bpf;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.bpf.guard.GuardProgram;
import dev.portcullis.bpf.sys.Bpf;
import dev.portcullis.bpf.sys.Fd;
import dev.portcullis.linux.ContainerCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out whether a guard works here by making one: in a scratch cgroup under the containers'
 * root, it creates a guard map, loads every program, attaches them, detaches them and removes the
 * cgroup. The listen check is tried on its own, after the bind checks, because its failure only
 * means listeners on unbound sockets are left to the scan.
 *
 * <p>The scratch cgroup's name holds a {@code .}, which no container id does, so no tracker ever
 * takes it for a container.
 */
final class AvailabilityProbe {

  private static final Logger LOG = LoggerFactory.getLogger(AvailabilityProbe.class);

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  /**
   * What the probe found.
   *
   * @param cause why no guard can be installed here; empty when one can
   * @param programs the programs a guard installs: the bind checks, and the listen check when it
   *     works
   * @param listenCause why the listen check is left out, when it is
   */
  record Result(
      Optional<Throwable> cause, Set<GuardProgram> programs, Optional<Throwable> listenCause) {

    static Result unavailable(Throwable cause) {
      return new Result(Optional.of(cause), Set.of(), Optional.of(cause));
    }
  }

  private AvailabilityProbe() {}

  static Result run(ContainerCgroups cgroups) {
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      return Result.unavailable(
          new UnsupportedOperationException("cgroup BPF exists only on Linux, not on " + os));
    }
    Path scratch = null;
    try {
      Bpf bpf = Bpf.get();
      String name =
          ".pc-bpf-probe-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
      Path dir = cgroups.root().resolve(name);
      Files.createDirectory(dir);
      scratch = dir;
      Optional<Throwable> listenCause;
      try (Fd cgroup = bpf.openDirectory(scratch);
          LoadedGuard guard = LoadedGuard.create(bpf, BindAllowance.any())) {
        for (GuardProgram program : GuardProgram.BIND_CHECKS) {
          guard.load(program);
        }
        // Attached, then detached at once: that is the whole test.
        Attachment.attach(bpf, cgroup, guard.programs()).close();
        listenCause = probeListen(bpf, cgroup, guard);
      }
      Set<GuardProgram> programs = EnumSet.copyOf(GuardProgram.BIND_CHECKS);
      if (listenCause.isEmpty()) {
        programs.add(GuardProgram.LISTEN);
      } else {
        LOG.info(
            "The bpf guard cannot stop listeners on unbound sockets here; the scan catches them:"
                + " {}",
            listenCause.get().getMessage());
      }
      return new Result(Optional.empty(), programs, listenCause);
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.debug("The bpf guard is unavailable", e);
      return Result.unavailable(e);
    } finally {
      if (scratch != null) {
        removeScratch(scratch);
      }
    }
  }

  private static Optional<Throwable> probeListen(Bpf bpf, Fd cgroup, LoadedGuard guard) {
    try {
      guard.load(GuardProgram.LISTEN);
      Map<GuardProgram, Fd> listen =
          Map.of(GuardProgram.LISTEN, guard.programs().get(GuardProgram.LISTEN));
      Attachment.attach(bpf, cgroup, listen).close();
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of(e);
    }
  }

  /** No process ever joined the scratch cgroup, so the kernel removes it at once. */
  private static void removeScratch(Path scratch) {
    try {
      Files.deleteIfExists(scratch);
    } catch (IOException e) {
      LOG.warn("Cannot remove the bpf probe's scratch cgroup {}: {}", scratch, e.toString());
    }
  }
}
