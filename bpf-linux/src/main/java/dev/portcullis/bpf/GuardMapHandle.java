package dev.portcullis.bpf;

import dev.portcullis.api.GuardRefusals;
import dev.portcullis.bpf.abi.MapInfo;
import dev.portcullis.bpf.guard.AllowanceBitmaps;
import dev.portcullis.bpf.guard.EntryWrite;
import dev.portcullis.bpf.guard.GuardEntry;
import dev.portcullis.bpf.guard.GuardMap;
import dev.portcullis.bpf.guard.RefusalEntries;
import dev.portcullis.bpf.sys.Bpf;
import dev.portcullis.bpf.sys.BpfException;
import dev.portcullis.bpf.sys.Fd;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An open guard map: reads and writes its entries. Closing releases the descriptor. */
final class GuardMapHandle implements AutoCloseable {

  private final Bpf bpf;
  private final Fd fd;

  private GuardMapHandle(Bpf bpf, Fd fd) {
    this.bpf = bpf;
    this.fd = fd;
  }

  /** Wraps a map this process just created as a guard map. */
  static GuardMapHandle of(Bpf bpf, Fd fd) {
    return new GuardMapHandle(bpf, fd);
  }

  /** The map with {@code id}, when it exists and is a guard map by name and shape. */
  static Optional<GuardMapHandle> open(Bpf bpf, int id) throws BpfException {
    Optional<Fd> opened = bpf.mapById(id);
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    try {
      MapInfo info = bpf.mapInfo(opened.get());
      if (GuardMap.isGuardMap(info)) {
        return Optional.of(new GuardMapHandle(bpf, opened.get()));
      }
      opened.get().close();
      return Optional.empty();
    } catch (BpfException | RuntimeException e) {
      opened.get().close();
      throw e;
    }
  }

  Fd fd() {
    return fd;
  }

  /** The four allowance bitmaps as the map holds them now. */
  AllowanceBitmaps allowance() throws BpfException {
    Map<GuardEntry, byte[]> values = new EnumMap<>(GuardEntry.class);
    for (GuardEntry entry :
        List.of(
            GuardEntry.TCP_BINDABLE,
            GuardEntry.TCP_PICKED,
            GuardEntry.UDP_BINDABLE,
            GuardEntry.UDP_PICKED)) {
      values.put(entry, read(entry));
    }
    return AllowanceBitmaps.of(values);
  }

  /** What the programs recorded when they refused. */
  GuardRefusals refusals() throws BpfException {
    return RefusalEntries.decode(
        read(GuardEntry.COUNTERS), read(GuardEntry.REFUSED_PORTS), read(GuardEntry.STOPPED_PORTS));
  }

  /**
   * What the programs recorded, reading the refused ports only when the counts differ from {@code
   * last}'s: one small read per call in the usual case that nothing new was refused.
   */
  GuardRefusals refusalsSince(GuardRefusals last) throws BpfException {
    GuardRefusals counts = RefusalEntries.counts(read(GuardEntry.COUNTERS), last);
    if (counts.binds() == last.binds() && counts.listeners() == last.listeners()) {
      return last;
    }
    return refusals();
  }

  private byte[] read(GuardEntry entry) throws BpfException {
    return bpf.lookup(fd, entry.key(), GuardMap.VALUE_SIZE);
  }

  /** Makes the writes, in order; each is one whole-value replacement by the kernel. */
  void write(List<EntryWrite> writes) throws BpfException {
    for (EntryWrite write : writes) {
      bpf.update(fd, write.entry().key(), write.value());
    }
  }

  @Override
  public void close() {
    fd.close();
  }
}
