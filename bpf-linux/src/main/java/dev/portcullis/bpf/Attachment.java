package dev.portcullis.bpf;

import dev.portcullis.bpf.abi.BpfAttr;
import dev.portcullis.bpf.abi.Errno;
import dev.portcullis.bpf.guard.GuardProgram;
import dev.portcullis.bpf.sys.Bpf;
import dev.portcullis.bpf.sys.BpfException;
import dev.portcullis.bpf.sys.Fd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Programs attached to a cgroup by this process, undone on {@link #close()} unless {@link #keep()}
 * was called: so a guard that fails half-way leaves none of itself behind.
 *
 * <p>Every program is attached in multi mode ({@code BPF_F_ALLOW_MULTI}) with the legacy attach
 * command: the attachment belongs to the cgroup, not to this process, so it outlives the agent;
 * every program on the cgroup's path runs and any refusal wins, so a program a sub-cgroup attaches
 * cannot undo the guard.
 */
final class Attachment implements AutoCloseable {

  private record Attached(GuardProgram program, Fd fd) {}

  private final Bpf bpf;
  private final Fd cgroup;
  private final List<Attached> attached = new ArrayList<>();
  private boolean kept;

  private Attachment(Bpf bpf, Fd cgroup) {
    this.bpf = bpf;
    this.cgroup = cgroup;
  }

  /**
   * Attaches each program at its attach type, in role order.
   *
   * @throws BpfException for the first refusal, after detaching what was attached before it
   */
  static Attachment attach(Bpf bpf, Fd cgroup, Map<GuardProgram, Fd> programs) throws BpfException {
    Attachment attachment = new Attachment(bpf, cgroup);
    try {
      for (Map.Entry<GuardProgram, Fd> program : programs.entrySet()) {
        bpf.attach(cgroup, program.getValue(), program.getKey().attachType(), BpfAttr.ALLOW_MULTI);
        attachment.attached.add(new Attached(program.getKey(), program.getValue()));
      }
      return attachment;
    } catch (BpfException | RuntimeException e) {
      try {
        attachment.close();
      } catch (BpfException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }

  /** Leaves the programs attached when this is closed. */
  void keep() {
    kept = true;
  }

  /**
   * Detaches every program, unless kept. Tries them all; the first failure is thrown with the
   * others suppressed. One detached by someone else meanwhile is not a failure.
   */
  @Override
  public void close() throws BpfException {
    if (kept) {
      return;
    }
    kept = true;
    BpfException failure = null;
    for (Attached program : attached) {
      try {
        bpf.detach(cgroup, program.fd(), program.program().attachType());
      } catch (BpfException e) {
        if (e.errno() == Errno.ENOENT) {
          continue;
        }
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
