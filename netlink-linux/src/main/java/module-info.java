/**
 * The Linux socket sources: {@code netlink}, which dumps listening sockets over {@code
 * NETLINK_SOCK_DIAG} through jnr-ffi, and {@code procfs}, which reads {@code /proc/net/{tcp,udp}*}
 * where netlink or jnr-ffi is unavailable. The netlink source reads which processes hold which
 * sockets with a BPF task-file iterator where the kernel allows it.
 *
 * <p>Nothing is exported for callers: the sources are found as {@link
 * dev.portcullis.api.SocketSource} services. The one export, {@code dev.portcullis.netlink.ffi},
 * exists because jnr-ffi generates its implementation of the libc binding in an unnamed module,
 * which can only implement an interface from an unqualified export.
 */
module dev.portcullis.netlink {
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

  exports dev.portcullis.netlink.ffi;

  provides dev.portcullis.api.SocketSource with
      dev.portcullis.netlink.NetlinkSocketSource,
      dev.portcullis.netlink.ProcNetSocketSource;
}
