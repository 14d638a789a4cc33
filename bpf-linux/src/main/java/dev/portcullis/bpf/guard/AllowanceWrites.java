package dev.portcullis.bpf.guard;

import dev.portcullis.api.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which a guard's bitmaps are written.
 *
 * <p>The kernel replaces an array value while binds may be reading it, and one bind reads one byte
 * of one bitmap per hook; a named bind reads the bindable bitmap first and the picked one after the
 * port is taken. So the writes keep, at every step, each bindable bitmap inside its picked one, and
 * never take a port out of either that the next allowance still allows:
 *
 * <ol>
 *   <li>picked := old picked ∪ new picked;
 *   <li>bindable := new bindable;
 *   <li>picked := new picked.
 * </ol>
 *
 * <p>A bind that overlaps the update then sees each bit as the old or the new allowance has it, and
 * a port both allow is allowed throughout.
 *
 * @since 0.2
 */
public final class AllowanceWrites {

  private AllowanceWrites() {}

  /**
   * The writes that change a map holding {@code current} to hold {@code next}.
   *
   * @param current what the map holds now (for a map never written, the bitmaps of nothing)
   */
  public static List<EntryWrite> update(AllowanceBitmaps current, AllowanceBitmaps next) {
    List<EntryWrite> writes = new ArrayList<>();
    for (Protocol protocol : Protocol.values()) {
      GuardEntry picked = GuardEntry.picked(protocol);
      writes.add(new EntryWrite(picked, PortBitmap.union(current.get(picked), next.get(picked))));
    }
    for (Protocol protocol : Protocol.values()) {
      GuardEntry bindable = GuardEntry.bindable(protocol);
      writes.add(new EntryWrite(bindable, next.get(bindable)));
    }
    for (Protocol protocol : Protocol.values()) {
      GuardEntry picked = GuardEntry.picked(protocol);
      writes.add(new EntryWrite(picked, next.get(picked)));
    }
    return writes;
  }

  /**
   * The writes that fill a new map, before any program uses it: picked before bindable, so that
   * even a map shared too early never holds a bindable port its picked bitmap lacks.
   */
  public static List<EntryWrite> fill(AllowanceBitmaps allowance) {
    List<EntryWrite> writes = new ArrayList<>();
    for (Protocol protocol : Protocol.values()) {
      GuardEntry picked = GuardEntry.picked(protocol);
      writes.add(new EntryWrite(picked, allowance.get(picked)));
    }
    for (Protocol protocol : Protocol.values()) {
      GuardEntry bindable = GuardEntry.bindable(protocol);
      writes.add(new EntryWrite(bindable, allowance.get(bindable)));
    }
    return writes;
  }
}
