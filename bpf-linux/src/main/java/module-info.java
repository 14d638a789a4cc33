/**
 * The {@code bpf} port guard: cgroup BPF programs, assembled in Java and loaded through {@code
 * bpf(2)} with jnr-ffi, that refuse a container's binds to ports it was not allocated.
 *
 * <p>Nothing is exported for callers: the guard is found as a {@link dev.portcullis.api.PortGuard}
 * service. The one export, {@code dev.portcullis.bpf.ffi}, exists because jnr-ffi generates its
 * implementation of the libc binding in an unnamed module, which can only implement an interface
 * from an unqualified export.
 */
module dev.portcullis.bpf {
  requires dev.portcullis.api;
  requires dev.portcullis.linux;
  requires org.jnrproject.ffi;
  // jnr-ffi is an automatic module that declares no dependencies: it generates its bindings
  // with ASM, and jffi needs sun.misc.Unsafe for its fast memory path.
  requires org.objectweb.asm;
  requires jdk.unsupported;
  requires org.slf4j;
  requires static com.google.auto.service;

  exports dev.portcullis.bpf.ffi;

  provides dev.portcullis.api.PortGuard with
      dev.portcullis.bpf.BpfPortGuard;
}
