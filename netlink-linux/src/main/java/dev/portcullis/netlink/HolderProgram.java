package dev.portcullis.netlink;

import dev.portcullis.bpf.asm.Assembler;
import dev.portcullis.bpf.asm.Cond;
import dev.portcullis.bpf.asm.Label;
import dev.portcullis.bpf.asm.Program;
import dev.portcullis.bpf.asm.Reg;
import dev.portcullis.bpf.asm.Size;
import dev.portcullis.bpf.btf.Btf;
import java.io.IOException;
import java.util.OptionalInt;

/**
 * The BPF program behind {@link HolderIterator}: run by the kernel's {@code task_file} iterator
 * once per open descriptor of every process, it writes one {@value #RECORD}-byte record for each
 * socket and nothing for any other file.
 *
 * <p>A record is, little-endian: the socket's inode (8 bytes), the cgroup v2 id of the process's
 * cgroup (8: {@code task->cgroups->dfl_cgrp->kn->id}), the process's pid in the host's namespace
 * (4: {@code task->tgid}) and the descriptor's number (4). A file is a socket when its inode's mode
 * says {@code S_IFSOCK}, as {@code /proc/<pid>/fd} shows it as {@code socket:[inode]}.
 *
 * <p>The struct offsets come from the running kernel's BTF, so the program fits any build; the
 * verifier checks every load against the same BTF, so an offset that does not hold is a refused
 * load, never a wrong read.
 */
final class HolderProgram {

  /** The bytes of one record. */
  static final int RECORD = 24;

  /** The kernel function a {@code task_file} iterator program attaches to. */
  static final String ITERATOR = "bpf_iter_task_file";

  /** The licence string: {@code bpf_seq_write} is offered to GPL-compatible programs only. */
  static final String LICENSE = "GPL";

  /** The program's name, which {@code bpftool prog} shows. */
  static final String NAME = "pc_holders";

  /** {@code bpf_seq_write(seq, data, len)}. */
  private static final int SEQ_WRITE = 127;

  private static final int S_IFMT = 0xf000;
  private static final int S_IFSOCK = 0xc000;

  private final int attachBtfId;
  private final Program program;

  private HolderProgram(int attachBtfId, Program program) {
    this.attachBtfId = attachBtfId;
    this.program = program;
  }

  /** The BTF id of {@link #ITERATOR}, which the program is loaded against. */
  int attachBtfId() {
    return attachBtfId;
  }

  /** The instructions. */
  Program program() {
    return program;
  }

  /**
   * The program for the kernel {@code btf} describes.
   *
   * @throws IOException naming the function or member that kernel lacks
   */
  static HolderProgram forKernel(Btf btf) throws IOException {
    int iterator = require(btf.functionId(ITERATOR), "function " + ITERATOR);
    int meta = member(btf, "bpf_iter__task_file", "meta");
    int task = member(btf, "bpf_iter__task_file", "task");
    int fd = member(btf, "bpf_iter__task_file", "fd");
    int file = member(btf, "bpf_iter__task_file", "file");
    int seq = member(btf, "bpf_iter_meta", "seq");
    int tgid = member(btf, "task_struct", "tgid");
    int cgroups = member(btf, "task_struct", "cgroups");
    int fileInode = member(btf, "file", "f_inode");
    int mode = member(btf, "inode", "i_mode");
    int ino = member(btf, "inode", "i_ino");
    int defaultCgroup = member(btf, "css_set", "dfl_cgrp");
    int node = member(btf, "cgroup", "kn");
    int nodeId = member(btf, "kernfs_node", "id");

    Assembler a = new Assembler();
    Label skip = a.label("skip");
    a.mov(Reg.R6, Reg.R1)
        .load(Size.DW, Reg.R7, Reg.R6, task)
        .jumpIf(Cond.EQ, Reg.R7, 0, skip)
        .load(Size.DW, Reg.R8, Reg.R6, file)
        .jumpIf(Cond.EQ, Reg.R8, 0, skip)
        // Only sockets: the mode of the file's inode.
        .load(Size.DW, Reg.R1, Reg.R8, fileInode)
        .load(Size.H, Reg.R2, Reg.R1, mode)
        .and(Reg.R2, S_IFMT)
        .jumpIf(Cond.NE, Reg.R2, S_IFSOCK, skip)
        // The record, on the stack at r10 - 24.
        .load(Size.DW, Reg.R2, Reg.R1, ino)
        .store(Size.DW, Reg.R10, -24, Reg.R2)
        .load(Size.DW, Reg.R1, Reg.R7, cgroups)
        .load(Size.DW, Reg.R1, Reg.R1, defaultCgroup)
        .load(Size.DW, Reg.R1, Reg.R1, node)
        .load(Size.DW, Reg.R1, Reg.R1, nodeId)
        .store(Size.DW, Reg.R10, -16, Reg.R1)
        .load(Size.W, Reg.R2, Reg.R7, tgid)
        .store(Size.W, Reg.R10, -8, Reg.R2)
        .load(Size.W, Reg.R2, Reg.R6, fd)
        .store(Size.W, Reg.R10, -4, Reg.R2)
        .load(Size.DW, Reg.R1, Reg.R6, meta)
        .load(Size.DW, Reg.R1, Reg.R1, seq)
        .mov(Reg.R2, Reg.R10)
        .add(Reg.R2, -RECORD)
        .mov(Reg.R3, RECORD)
        .call(SEQ_WRITE)
        .bind(skip)
        .mov(Reg.R0, 0)
        .exit();
    return new HolderProgram(iterator, a.assemble());
  }

  private static int member(Btf btf, String struct, String member) throws IOException {
    return require(btf.memberOffset(struct, member), "member " + member + " of struct " + struct);
  }

  private static int require(OptionalInt found, String what) throws IOException {
    if (found.isEmpty()) {
      throw new IOException("The kernel's BTF has no " + what);
    }
    return found.getAsInt();
  }
}
