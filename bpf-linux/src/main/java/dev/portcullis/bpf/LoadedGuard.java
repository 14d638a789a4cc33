package dev.portcullis.bpf;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.bpf.guard.AllowanceBitmaps;
import dev.portcullis.bpf.guard.AllowanceWrites;
import dev.portcullis.bpf.guard.GuardMap;
import dev.portcullis.bpf.guard.GuardProgram;
import dev.portcullis.bpf.guard.GuardPrograms;
import dev.portcullis.bpf.sys.Bpf;
import dev.portcullis.bpf.sys.Fd;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A new guard in this process only: its map, filled with an allowance, and the programs loaded so
 * far, none attached. Closing drops this process's descriptors; what was attached meanwhile stays
 * alive through its attachment, the rest is freed by the kernel.
 */
final class LoadedGuard implements AutoCloseable {

  private final Bpf bpf;
  private final GuardMapHandle map;
  private final Map<GuardProgram, Fd> programs = new EnumMap<>(GuardProgram.class);

  private LoadedGuard(Bpf bpf, GuardMapHandle map) {
    this.bpf = bpf;
    this.map = map;
  }

  /** Creates the map and writes {@code allowance} to it before any program can read it. */
  static LoadedGuard create(Bpf bpf, BindAllowance allowance) throws IOException {
    Fd fd =
        bpf.createMap(
            GuardMap.TYPE, GuardMap.KEY_SIZE, GuardMap.VALUE_SIZE, GuardMap.ENTRIES, GuardMap.NAME);
    LoadedGuard guard = new LoadedGuard(bpf, GuardMapHandle.of(bpf, fd));
    try {
      guard.map.write(AllowanceWrites.fill(AllowanceBitmaps.of(allowance)));
      return guard;
    } catch (IOException | RuntimeException e) {
      guard.close();
      throw e;
    }
  }

  /** Loads one program, bound to this guard's map. */
  void load(GuardProgram program) throws IOException {
    if (programs.containsKey(program)) {
      throw new IllegalStateException(program + " is already loaded");
    }
    Fd fd =
        bpf.loadProgram(
            program.type(),
            program.attachType(),
            program.assemble(map.fd().value()),
            program.programName(),
            GuardPrograms.LICENSE);
    programs.put(program, fd);
  }

  /** The programs loaded so far, by role. */
  Map<GuardProgram, Fd> programs() {
    return Collections.unmodifiableMap(programs);
  }

  @Override
  public void close() {
    programs.values().forEach(Fd::close);
    map.close();
  }
}
