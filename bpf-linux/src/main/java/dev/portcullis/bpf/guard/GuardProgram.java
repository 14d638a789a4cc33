package dev.portcullis.bpf.guard;

import dev.portcullis.bpf.abi.AttachType;
import dev.portcullis.bpf.abi.ProgramType;
import dev.portcullis.bpf.asm.Program;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The programs a guard attaches to a cgroup, one per hook, each known by its name.
 *
 * <p>Both address families need their own hooks: a bind to an IPv4 address on an IPv6 socket
 * (v4-mapped, or the dual-stack wildcard) runs only the IPv6 ones.
 *
 * @since 0.2
 */
public enum GuardProgram {
  /** Judges the port an IPv4 {@code bind()} names. */
  BIND4("pc_bind4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_BIND),
  /** Judges the port an IPv6 {@code bind()} names. */
  BIND6("pc_bind6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_BIND),
  /** Judges the port an IPv4 socket got from {@code bind()}, named or picked. */
  POST4("pc_post4", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET4_POST_BIND),
  /** Judges the port an IPv6 socket got from {@code bind()}, named or picked. */
  POST6("pc_post6", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET6_POST_BIND),
  /** Stops a process that starts listening on a port no bind check saw. */
  LISTEN("pc_listen", ProgramType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS);

  /** The programs that judge binds; a guard has at least these. */
  public static final Set<GuardProgram> BIND_CHECKS = EnumSet.of(BIND4, BIND6, POST4, POST6);

  private final String programName;
  private final ProgramType type;
  private final AttachType attachType;

  GuardProgram(String programName, ProgramType type, AttachType attachType) {
    this.programName = programName;
    this.type = type;
    this.attachType = attachType;
  }

  /** The name the program is loaded with, and found by. */
  public String programName() {
    return programName;
  }

  /** The program type. */
  public ProgramType type() {
    return type;
  }

  /** Where it is attached, which is also its expected attach type at load. */
  public AttachType attachType() {
    return attachType;
  }

  /** The program, using the guard map whose descriptor is {@code mapFd}. */
  public Program assemble(int mapFd) {
    return switch (this) {
      case BIND4, BIND6 -> GuardPrograms.bindCheck(mapFd);
      case POST4, POST6 -> GuardPrograms.postBindCheck(mapFd);
      case LISTEN -> GuardPrograms.listenCheck(mapFd);
    };
  }

  /** The guard program loaded under {@code name} with type {@code type}, if it is one. */
  public static Optional<GuardProgram> named(String name, int type) {
    return Arrays.stream(values())
        .filter(p -> p.programName.equals(name) && p.type.number() == type)
        .findFirst();
  }
}
