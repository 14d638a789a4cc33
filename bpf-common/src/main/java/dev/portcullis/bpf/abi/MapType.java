package dev.portcullis.bpf.abi;

/**
 * The map types the guard creates, with their numbers.
 *
 * @since 0.2
 */
public enum MapType {
  /** A fixed array of preallocated values, indexed by a 4-byte key. */
  ARRAY(2);

  private final int number;

  MapType(int number) {
    this.number = number;
  }

  /** The type's number, {@code map_type}. */
  public int number() {
    return number;
  }
}
