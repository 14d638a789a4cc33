package dev.portcullis.bpf.abi;

/**
 * The {@code bpf(2)} commands the guard issues, with their numbers.
 *
 * @since 0.2
 */
public enum BpfCommand {
  /** Creates a map; returns its descriptor. */
  MAP_CREATE(0),
  /** Copies a map element out. */
  MAP_LOOKUP_ELEM(1),
  /** Replaces a map element. */
  MAP_UPDATE_ELEM(2),
  /** Verifies and loads a program; returns its descriptor. */
  PROG_LOAD(5),
  /** Attaches a program to a cgroup. */
  PROG_ATTACH(8),
  /** Detaches a program from a cgroup. */
  PROG_DETACH(9),
  /** The next loaded program id after a given one. */
  PROG_GET_NEXT_ID(11),
  /** The next map id after a given one. */
  MAP_GET_NEXT_ID(12),
  /** A descriptor for the program with an id. */
  PROG_GET_FD_BY_ID(13),
  /** A descriptor for the map with an id. */
  MAP_GET_FD_BY_ID(14),
  /** Information about the program or map behind a descriptor. */
  OBJ_GET_INFO_BY_FD(15),
  /** The programs attached to a cgroup at one attach type. */
  PROG_QUERY(16),
  /** Links a program to what it runs on, such as a BPF iterator. */
  LINK_CREATE(28),
  /** Opens a new read of an iterator link: a file that {@code read(2)} runs the program over. */
  ITER_CREATE(33);

  private final int number;

  BpfCommand(int number) {
    this.number = number;
  }

  /** The command's number, the first argument of {@code bpf(2)}. */
  public int number() {
    return number;
  }

  /** The name the kernel headers give it, for messages: {@code BPF_PROG_LOAD}. */
  public String kernelName() {
    return "BPF_" + name();
  }
}
