package dev.portcullis.bpf;

import dev.portcullis.bpf.abi.AttachType;
import dev.portcullis.bpf.abi.BpfAttr;
import dev.portcullis.bpf.abi.Errno;
import dev.portcullis.bpf.abi.ProgramInfo;
import dev.portcullis.bpf.guard.GuardProgram;
import dev.portcullis.bpf.sys.Bpf;
import dev.portcullis.bpf.sys.BpfException;
import dev.portcullis.bpf.sys.Fd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The guard programs attached to one cgroup, read from the cgroup alone: for every attach type a
 * guard uses, the programs attached there (not inherited), each opened by id and recognised by its
 * name and type. Holds a descriptor for each, so they can be detached; closing releases them.
 */
final class FoundGuard implements AutoCloseable {

  /** One program of ours, attached where its role says. */
  record Member(GuardProgram program, ProgramInfo info, Fd fd) {}

  private final List<Member> members;
  private final Map<AttachType, Integer> flags;

  private FoundGuard(List<Member> members, Map<AttachType, Integer> flags) {
    this.members = members;
    this.flags = flags;
  }

  /** Reads the cgroup behind {@code cgroup}. */
  static FoundGuard read(Bpf bpf, Fd cgroup) throws IOException {
    List<Member> members = new ArrayList<>();
    Map<AttachType, Integer> flags = new EnumMap<>(AttachType.class);
    try {
      for (GuardProgram program : GuardProgram.values()) {
        AttachType type = program.attachType();
        if (flags.containsKey(type)) {
          continue;
        }
        Bpf.Attached attached = bpf.query(cgroup, type);
        flags.put(type, attached.flags());
        for (int id : attached.programIds()) {
          ours(bpf, id, type).ifPresent(members::add);
        }
      }
      return new FoundGuard(members, flags);
    } catch (IOException | RuntimeException e) {
      members.forEach(m -> m.fd().close());
      throw e;
    }
  }

  /** The program with {@code id} when it is one of ours attached at its own type; else closed. */
  private static Optional<Member> ours(Bpf bpf, int id, AttachType type) throws BpfException {
    Optional<Fd> opened = bpf.programById(id);
    if (opened.isEmpty()) {
      return Optional.empty(); // detached and freed since the query
    }
    Fd fd = opened.get();
    try {
      ProgramInfo info = bpf.programInfo(fd);
      Optional<GuardProgram> role =
          GuardProgram.named(info.name(), info.type()).filter(p -> p.attachType() == type);
      if (role.isPresent()) {
        return Optional.of(new Member(role.get(), info, fd));
      }
      fd.close();
      return Optional.empty();
    } catch (BpfException | RuntimeException e) {
      fd.close();
      throw e;
    }
  }

  /** Whether no program of ours is attached. */
  boolean isEmpty() {
    return members.isEmpty();
  }

  /** The programs of ours found, in the order of their roles. */
  List<Member> members() {
    return members;
  }

  /** The ids of every map the programs of ours use, the first role's first. */
  Set<Integer> mapIds() {
    Set<Integer> ids = new LinkedHashSet<>();
    members.stream()
        .sorted((a, b) -> a.program().compareTo(b.program()))
        .forEach(m -> ids.addAll(m.info().mapIds()));
    return ids;
  }

  /**
   * Whether this is exactly one whole guard: each of {@code expected} attached once, no other
   * program of ours, every one using the same single map, and each attach type in multi mode (so
   * that no sub-cgroup can replace them).
   */
  boolean isComplete(Set<GuardProgram> expected) {
    EnumSet<GuardProgram> seen = EnumSet.noneOf(GuardProgram.class);
    for (Member member : members) {
      if (!expected.contains(member.program()) || !seen.add(member.program())) {
        return false;
      }
      if (member.info().mapIds().size() != 1) {
        return false;
      }
      if (flags.getOrDefault(member.program().attachType(), 0) != BpfAttr.ALLOW_MULTI) {
        return false;
      }
    }
    return seen.equals(expected) && mapIds().size() == 1;
  }

  /**
   * Detaches every program of ours. One already detached by someone else meanwhile is not an error.
   */
  void detachAll(Bpf bpf, Fd cgroup) throws BpfException {
    for (Member member : members) {
      try {
        bpf.detach(cgroup, member.fd(), member.program().attachType());
      } catch (BpfException e) {
        if (e.errno() != Errno.ENOENT) {
          throw e;
        }
      }
    }
  }

  @Override
  public void close() {
    members.forEach(m -> m.fd().close());
  }
}
