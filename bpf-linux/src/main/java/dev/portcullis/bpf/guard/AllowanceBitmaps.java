package dev.portcullis.bpf.guard;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link BindAllowance} as the four bitmaps of a guard's map: per protocol, the bindable ports
 * and the picked ports (bindable or assignable), so that each hook tests one bit.
 *
 * <p>Reading an allowance back gives its canonical form: a rule's {@code assignable} holds only
 * ports outside {@code bindable}, and a rule that allows every bind is {@link
 * BindAllowance.Rule#any()}. It allows exactly the same binds as the allowance that was written.
 *
 * @since 0.2
 */
public final class AllowanceBitmaps {

  private final Map<GuardEntry, byte[]> bitmaps;

  private AllowanceBitmaps(Map<GuardEntry, byte[]> bitmaps) {
    this.bitmaps = bitmaps;
  }

  /** The bitmaps that enforce {@code allowance}. */
  public static AllowanceBitmaps of(BindAllowance allowance) {
    Map<GuardEntry, byte[]> bitmaps = new EnumMap<>(GuardEntry.class);
    for (Protocol protocol : Protocol.values()) {
      BindAllowance.Rule rule = allowance.rule(protocol);
      bitmaps.put(GuardEntry.bindable(protocol), PortBitmap.of(rule.bindable()));
      bitmaps.put(
          GuardEntry.picked(protocol), PortBitmap.of(rule.bindable().union(rule.assignable())));
    }
    return new AllowanceBitmaps(bitmaps);
  }

  /**
   * Bitmaps as read from a map: one {@link PortBitmap#BYTES}-byte value for each of the four
   * allowance entries.
   *
   * @throws IllegalArgumentException if one is missing or has the wrong size
   */
  public static AllowanceBitmaps of(Map<GuardEntry, byte[]> values) {
    Map<GuardEntry, byte[]> bitmaps = new EnumMap<>(GuardEntry.class);
    for (Protocol protocol : Protocol.values()) {
      for (GuardEntry entry :
          new GuardEntry[] {GuardEntry.bindable(protocol), GuardEntry.picked(protocol)}) {
        byte[] value = Objects.requireNonNull(values.get(entry), () -> "no " + entry + " bitmap");
        if (value.length != PortBitmap.BYTES) {
          throw new IllegalArgumentException(
              entry + " has " + value.length + " bytes, not " + PortBitmap.BYTES);
        }
        bitmaps.put(entry, value.clone());
      }
    }
    return new AllowanceBitmaps(bitmaps);
  }

  /** A copy of one of the four allowance bitmaps. */
  public byte[] get(GuardEntry entry) {
    byte[] bitmap = bitmaps.get(entry);
    if (bitmap == null) {
      throw new IllegalArgumentException(entry + " is not an allowance bitmap");
    }
    return bitmap.clone();
  }

  /**
   * Whether a {@code bind()} naming {@code port} passes both hooks: the bind check reads the
   * bindable bitmap and the post-bind check the picked one.
   */
  public boolean allowsNamed(Protocol protocol, int port) {
    return PortBitmap.contains(bitmaps.get(GuardEntry.bindable(protocol)), port)
        && PortBitmap.contains(bitmaps.get(GuardEntry.picked(protocol)), port);
  }

  /** Whether the post-bind check lets a socket keep {@code port} that the kernel picked. */
  public boolean allowsPicked(Protocol protocol, int port) {
    return PortBitmap.contains(bitmaps.get(GuardEntry.picked(protocol)), port);
  }

  /** The allowance these bitmaps enforce, in canonical form. */
  public BindAllowance allowance() {
    return BindAllowance.of(rule(Protocol.TCP), rule(Protocol.UDP));
  }

  private BindAllowance.Rule rule(Protocol protocol) {
    PortRanges bindable = PortBitmap.ports(bitmaps.get(GuardEntry.bindable(protocol)));
    PortRanges picked = PortBitmap.ports(bitmaps.get(GuardEntry.picked(protocol)));
    if (bindable.equals(PortRanges.all()) && picked.equals(PortRanges.all())) {
      return BindAllowance.Rule.any();
    }
    return new BindAllowance.Rule(bindable, picked.minus(bindable));
  }
}
