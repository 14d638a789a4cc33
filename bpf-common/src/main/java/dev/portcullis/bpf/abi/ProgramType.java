package dev.portcullis.bpf.abi;

/**
 * The program types the guard loads, with their numbers.
 *
 * @since 0.2
 */
public enum ProgramType {
  /** Runs on socket events of a cgroup's sockets; the guard's post-bind check. */
  CGROUP_SOCK(9),
  /** Runs on TCP state callbacks of a cgroup's sockets; the guard's listen check. */
  SOCK_OPS(13),
  /** Runs on socket calls that name an address; the guard's bind check. */
  CGROUP_SOCK_ADDR(18),
  /** Attached by BTF id to a kernel function; among them the BPF iterators. */
  TRACING(26);

  private final int number;

  ProgramType(int number) {
    this.number = number;
  }

  /** The type's number, {@code prog_type}. */
  public int number() {
    return number;
  }
}
