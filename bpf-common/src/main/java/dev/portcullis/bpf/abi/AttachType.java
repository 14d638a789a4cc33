package dev.portcullis.bpf.abi;

import java.util.EnumSet;
import java.util.Set;

/**
 * The attach points the providers use, with their numbers: the guard's cgroup hooks, and the
 * iterator of the netlink source's socket holders.
 *
 * @since 0.2
 */
public enum AttachType {
  /** TCP callbacks (among them the start of listening). */
  CGROUP_SOCK_OPS(3),
  /** {@code bind()} of an IPv4 socket, before the port is taken. */
  CGROUP_INET4_BIND(8),
  /** {@code bind()} of an IPv6 socket (dual-stack and v4-mapped included), before. */
  CGROUP_INET6_BIND(9),
  /** {@code bind()} of an IPv4 socket, after the port is taken. */
  CGROUP_INET4_POST_BIND(12),
  /** {@code bind()} of an IPv6 socket, after the port is taken. */
  CGROUP_INET6_POST_BIND(13),
  /** A BPF iterator: the program runs once per object the kernel walks, when the file is read. */
  TRACE_ITER(28);

  private final int number;

  AttachType(int number) {
    this.number = number;
  }

  /** The attach type's number, {@code attach_type} and {@code expected_attach_type}. */
  public int number() {
    return number;
  }

  /** {@return the cgroup attach points, which {@code BPF_PROG_QUERY} on a cgroup answers for} */
  public static Set<AttachType> cgroupHooks() {
    return EnumSet.range(CGROUP_SOCK_OPS, CGROUP_INET6_POST_BIND);
  }

  /** The name the kernel headers give it, for messages: {@code BPF_CGROUP_INET4_BIND}. */
  public String kernelName() {
    return "BPF_" + name();
  }
}
