/**
 * The {@code bpf(2)} plumbing that more than one provider needs: the syscall through jnr-ffi, the
 * kernel's ABI records, an assembler for BPF programs, and a reader of the kernel's BTF. The port
 * guard loads its cgroup programs with it, the netlink socket source its task iterator. Not a
 * public API: exported only to those modules, except the jnr-ffi binding package.
 */
@SuppressWarnings("module") // the modules it is exported to are built after it
module dev.portcullis.bpf.common {
  requires org.jnrproject.ffi;
  // jnr-ffi is an automatic module that declares no dependencies: it generates its bindings
  // with ASM, and jffi needs sun.misc.Unsafe for its fast memory path.
  requires org.objectweb.asm;
  requires jdk.unsupported;
  requires org.slf4j;

  exports dev.portcullis.bpf.abi to
      dev.portcullis.bpf,
      dev.portcullis.netlink;
  exports dev.portcullis.bpf.btf to
      dev.portcullis.bpf,
      dev.portcullis.netlink;
  exports dev.portcullis.bpf.asm to
      dev.portcullis.bpf,
      dev.portcullis.netlink;
  exports dev.portcullis.bpf.sys to
      dev.portcullis.bpf,
      dev.portcullis.netlink;
  // Unqualified: jnr-ffi generates the binding's implementation in an unnamed module.
  exports dev.portcullis.bpf.ffi;
}
