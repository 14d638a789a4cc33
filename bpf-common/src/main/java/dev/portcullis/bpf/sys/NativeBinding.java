package dev.portcullis.bpf.sys;

import dev.portcullis.bpf.ffi.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The libc binding, made once per JVM on first use, with the jnr-ffi runtime that holds the saved
 * {@code errno} and the host's architecture.
 *
 * <p>Binding can fail (an unsupported architecture, jffi's native stub missing, a module-graph
 * gap). The failure is remembered and reported on every later attempt, so the probe and every later
 * call explain the same cause instead of a bare {@link NoClassDefFoundError} the second time.
 */
final class NativeBinding {

  private static final Object LOCK = new Object();
  private static NativeBinding bound; // guarded by LOCK
  private static Throwable failure; // guarded by LOCK

  private final LibC libc;
  private final Runtime runtime;
  private final HostArch arch;

  private NativeBinding(LibC libc, Runtime runtime, HostArch arch) {
    this.libc = libc;
    this.runtime = runtime;
    this.arch = arch;
  }

  /**
   * The binding.
   *
   * @throws IOException naming the cause when the guard's system calls cannot be reached here
   */
  // StaticAssignmentOfThrowable guards against throwing one stored exception, whose stack trace
  // is the first call's. The failure stored here is never thrown: it is the cause of the fresh
  // IOException each call throws, so every call names the first failure, not a bare
  // NoClassDefFoundError.
  @SuppressWarnings("StaticAssignmentOfThrowable")
  static NativeBinding get() throws IOException {
    synchronized (LOCK) {
      if (bound == null && failure == null) {
        try {
          HostArch arch = HostArch.current();
          LibC libc =
              LibraryLoader.create(LibC.class)
                  .failImmediately()
                  .load(Platform.getNativePlatform().getStandardCLibraryName());
          bound = new NativeBinding(libc, Runtime.getRuntime(libc), arch);
        } catch (LinkageError | RuntimeException e) {
          failure = e;
        }
      }
      if (failure != null) {
        throw new IOException("cannot reach bpf(2) through jnr-ffi: " + failure, failure);
      }
      return bound;
    }
  }

  LibC libc() {
    return libc;
  }

  HostArch arch() {
    return arch;
  }

  /** The {@code errno} the last call on this thread saved; read it before any other call. */
  int errno() {
    return LastError.getLastError(runtime);
  }

  /**
   * The address of a direct buffer's first byte. The buffer must stay reachable for as long as the
   * address is used: the memory is freed when the buffer is collected.
   */
  long address(ByteBuffer direct) {
    if (!direct.isDirect()) {
      throw new IllegalArgumentException("Only a direct buffer has a stable address");
    }
    return Pointer.wrap(runtime, direct.duplicate().clear()).address();
  }
}
