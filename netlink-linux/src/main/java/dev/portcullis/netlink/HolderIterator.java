package dev.portcullis.netlink;

import dev.portcullis.api.SocketHolders;
import dev.portcullis.bpf.abi.AttachType;
import dev.portcullis.bpf.abi.ProgramType;
import dev.portcullis.bpf.btf.Btf;
import dev.portcullis.bpf.sys.Bpf;
import dev.portcullis.bpf.sys.Fd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Every process's socket descriptors, with the process's cgroup, in one read of a BPF {@code
 * task_file} iterator ({@link HolderProgram}): what reading {@code /proc/<pid>/fd} of every process
 * tells, without a system call per process or per descriptor.
 *
 * <p>The iterator walks the tasks of the pid namespace that opens it; threads that share their
 * leader's descriptor table are walked once, so each descriptor is reported once per process.
 * Loading needs {@code CAP_BPF} and {@code CAP_PERFMON} (or {@code CAP_SYS_ADMIN}), BTF and Linux
 * 5.8; {@link #load()} says why when any is missing.
 *
 * <p>Not thread-safe: the source that owns it calls it under its lock.
 */
final class HolderIterator implements AutoCloseable {

  /** Room for the first reads; grows to the largest answer seen. */
  private static final int INITIAL_BUFFER = 64 * 1024;

  private final Bpf bpf;
  private final Fd program;
  private final Fd link;
  private ByteBuffer buffer;
  private long address;

  private HolderIterator(Bpf bpf, Fd program, Fd link) {
    this.bpf = bpf;
    this.program = program;
    this.link = link;
    allocate(INITIAL_BUFFER);
  }

  /**
   * Loads and links the program.
   *
   * @throws IOException why the kernel has no such iterator for this process: no BTF, a refused
   *     load (with the verifier's log), or no permission
   */
  static HolderIterator load() throws IOException {
    Bpf bpf = Bpf.get();
    HolderProgram holders = HolderProgram.forKernel(Btf.vmlinux());
    Fd program =
        bpf.loadProgram(
            ProgramType.TRACING,
            AttachType.TRACE_ITER,
            holders.attachBtfId(),
            holders.program(),
            HolderProgram.NAME,
            HolderProgram.LICENSE);
    try {
      return new HolderIterator(bpf, program, bpf.iteratorLink(program));
    } catch (IOException | RuntimeException e) {
      program.close();
      throw e;
    }
  }

  private void allocate(int size) {
    buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
    address = bpf.address(buffer);
  }

  /**
   * One walk of every process.
   *
   * @throws IOException if the walk cannot be opened or read to its end
   */
  SocketHolders read() throws IOException {
    buffer.clear();
    try (Fd walk = bpf.openIterator(link)) {
      while (true) {
        if (!buffer.hasRemaining()) {
          ByteBuffer full = buffer.flip();
          allocate(full.capacity() * 2);
          buffer.put(full);
        }
        if (bpf.read(walk, buffer, address) == 0) {
          break;
        }
      }
    }
    int records = buffer.position() / HolderProgram.RECORD;
    if (buffer.position() % HolderProgram.RECORD != 0) {
      throw new IOException(
          "The holder iterator returned "
              + buffer.position()
              + " bytes, not a whole number of "
              + HolderProgram.RECORD
              + "-byte records");
    }
    SocketHolders.Builder holders = SocketHolders.builder(records);
    for (int i = 0; i < records; i++) {
      int at = i * HolderProgram.RECORD;
      holders.add(
          buffer.getLong(at),
          Integer.toUnsignedLong(buffer.getInt(at + 16)),
          buffer.getLong(at + 8));
    }
    return holders.build();
  }

  @Override
  public void close() {
    try {
      link.close();
    } finally {
      program.close();
    }
  }
}
