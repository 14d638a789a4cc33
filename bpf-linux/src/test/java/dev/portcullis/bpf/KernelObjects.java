package dev.portcullis.bpf;

import dev.portcullis.bpf.abi.MapInfo;
import dev.portcullis.bpf.abi.ProgramInfo;
import dev.portcullis.bpf.sys.Bpf;
import dev.portcullis.bpf.sys.Fd;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Every BPF program and map loaded on the host, by id and name, walked with the {@code GET_NEXT_ID}
 * commands: what tests count to show that nothing was left behind.
 */
final class KernelObjects {

  private KernelObjects() {}

  /** The name of every loaded program, by id. */
  static Map<Integer, String> programs() throws IOException {
    Bpf bpf = Bpf.get();
    Map<Integer, String> found = new TreeMap<>();
    OptionalInt id = bpf.nextProgramId(0);
    while (id.isPresent()) {
      Optional<Fd> fd = bpf.programById(id.getAsInt());
      if (fd.isPresent()) {
        try (Fd program = fd.get()) {
          ProgramInfo info = bpf.programInfo(program);
          found.put(info.id(), info.name());
        }
      }
      id = bpf.nextProgramId(id.getAsInt());
    }
    return found;
  }

  /** The name of every map, by id. */
  static Map<Integer, String> maps() throws IOException {
    Bpf bpf = Bpf.get();
    Map<Integer, String> found = new TreeMap<>();
    OptionalInt id = bpf.nextMapId(0);
    while (id.isPresent()) {
      Optional<Fd> fd = bpf.mapById(id.getAsInt());
      if (fd.isPresent()) {
        try (Fd map = fd.get()) {
          MapInfo info = bpf.mapInfo(map);
          found.put(info.id(), info.name());
        }
      }
      id = bpf.nextMapId(id.getAsInt());
    }
    return found;
  }

  /** Whether a program with this id is still loaded. */
  static boolean programExists(int id) throws IOException {
    Optional<Fd> fd = Bpf.get().programById(id);
    fd.ifPresent(Fd::close);
    return fd.isPresent();
  }

  /** Whether a map with this id still exists. */
  static boolean mapExists(int id) throws IOException {
    Optional<Fd> fd = Bpf.get().mapById(id);
    fd.ifPresent(Fd::close);
    return fd.isPresent();
  }

  /** A check that can throw. */
  interface Check {
    boolean holds() throws IOException;
  }

  /**
   * Polls {@code check} every 5 ms for up to two seconds: the kernel frees a program some time
   * after its last reference goes (after an RCU grace period, and for a removed cgroup after its
   * release work runs).
   */
  static boolean eventually(Check check) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (true) {
      if (check.holds()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
  }
}
