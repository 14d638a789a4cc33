/**
 * Starts the agent's task shells with {@code posix_spawn(3)} through jnr-ffi, and reaps them with
 * {@code waitpid(2)} when asked, so that a thousand running tasks cost no thread each. The JDK's
 * {@link java.lang.ProcessBuilder} parks one reaper thread, with its stack and its share of every
 * garbage collection's root scan, on each child for as long as it lives.
 *
 * <p>Exported only to the agent: not a public API. The other export, {@code
 * dev.portcullis.spawn.ffi}, exists because jnr-ffi generates its implementation of the libc
 * binding in an unnamed module, which can only implement an interface from an unqualified export.
 */
@SuppressWarnings("module") // the module it is exported to is built after it
module dev.portcullis.spawn {
  requires org.jnrproject.ffi;
  // jnr-ffi is an automatic module that declares no dependencies: it generates its bindings
  // with ASM, and jffi needs sun.misc.Unsafe for its fast memory path.
  requires org.objectweb.asm;
  requires jdk.unsupported;

  exports dev.portcullis.spawn to
      dev.portcullis.agent;
  exports dev.portcullis.spawn.ffi;
}
