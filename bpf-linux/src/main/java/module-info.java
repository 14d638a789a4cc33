/**
 * The {@code bpf} port guard: cgroup BPF programs, assembled in Java and loaded through {@code
 * bpf(2)} with jnr-ffi, that refuse a container's binds to ports it was not allocated.
 *
 * <p>Nothing is exported: the guard is found as a {@link dev.portcullis.api.PortGuard} service. The
 * {@code bpf(2)} plumbing it loads its programs with lives in {@code dev.portcullis.bpf.common},
 * which the netlink socket source shares.
 */
module dev.portcullis.bpf {
  requires dev.portcullis.api;
  requires dev.portcullis.linux;
  requires dev.portcullis.bpf.common;
  requires org.jnrproject.ffi;
  // jnr-ffi is an automatic module that declares no dependencies: it generates its bindings
  // with ASM, and jffi needs sun.misc.Unsafe for its fast memory path.
  requires org.objectweb.asm;
  requires jdk.unsupported;
  requires org.slf4j;
  requires static com.google.auto.service;

  provides dev.portcullis.api.PortGuard with
      dev.portcullis.bpf.BpfPortGuard;
}
