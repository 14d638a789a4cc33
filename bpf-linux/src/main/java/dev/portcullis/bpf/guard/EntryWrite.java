package dev.portcullis.bpf.guard;

import java.util.Objects;

/**
 * One {@code BPF_MAP_UPDATE_ELEM} of a guard's map: an entry and the value it gets.
 *
 * @since 0.2
 */
public final class EntryWrite {

  private final GuardEntry entry;
  private final byte[] value;

  /** Writes {@code value} (copied) to {@code entry}. */
  public EntryWrite(GuardEntry entry, byte[] value) {
    this.entry = Objects.requireNonNull(entry, "entry");
    this.value = value.clone();
  }

  /** The entry written. */
  public GuardEntry entry() {
    return entry;
  }

  /** A copy of the value written. */
  public byte[] value() {
    return value.clone();
  }

  @Override
  public String toString() {
    return "write " + entry;
  }
}
