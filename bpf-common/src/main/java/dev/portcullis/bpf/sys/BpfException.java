package dev.portcullis.bpf.sys;

import dev.portcullis.bpf.abi.BpfCommand;
import dev.portcullis.bpf.abi.Errno;
import java.io.IOException;

/**
 * A {@code bpf(2)} command the kernel refused, with the errno it gave, for example {@code
 * bpf(BPF_PROG_LOAD) failed: EPERM (Operation not permitted)}.
 */
public final class BpfException extends IOException {

  private static final long serialVersionUID = 1L;

  private final BpfCommand command;
  private final int errno;

  BpfException(BpfCommand command, int errno, String detail) {
    super(
        "bpf("
            + command.kernelName()
            + ") failed: "
            + Errno.describe(errno)
            + (detail.isEmpty() ? "" : ", " + detail));
    this.command = command;
    this.errno = errno;
  }

  /** The command refused. */
  public BpfCommand command() {
    return command;
  }

  /** The errno the kernel gave. */
  public int errno() {
    return errno;
  }
}
