package dev.portcullis.netlink;

import dev.portcullis.netlink.ffi.LibC;
import java.io.IOException;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

/**
 * The libc binding, made once per JVM on first use, with the jnr-ffi runtime that holds the saved
 * {@code errno}.
 *
 * <p>Binding can fail (jffi's native stub missing, no libc, a module-graph gap). The failure is
 * remembered and reported on every later attempt, so a probe and a snapshot explain the same cause
 * instead of a bare {@link NoClassDefFoundError} the second time.
 */
final class LibCBinding {

  private static final Object LOCK = new Object();
  private static LibCBinding bound; // guarded by LOCK
  private static Throwable failure; // guarded by LOCK

  private final LibC libc;
  private final Runtime runtime;

  private LibCBinding(LibC libc, Runtime runtime) {
    this.libc = libc;
    this.runtime = runtime;
  }

  /**
   * The binding.
   *
   * @throws IOException naming the cause when jnr-ffi cannot bind libc here
   */
  // StaticAssignmentOfThrowable guards against throwing one stored exception, whose stack trace
  // is the first call's. The failure stored here is never thrown: it is the cause of the fresh
  // IOException each call throws, so every call names the first failure, not a bare
  // NoClassDefFoundError.
  @SuppressWarnings("StaticAssignmentOfThrowable")
  static LibCBinding get() throws IOException {
    synchronized (LOCK) {
      if (bound == null && failure == null) {
        try {
          LibC libc =
              LibraryLoader.create(LibC.class)
                  .failImmediately()
                  .load(Platform.getNativePlatform().getStandardCLibraryName());
          bound = new LibCBinding(libc, Runtime.getRuntime(libc));
        } catch (LinkageError | RuntimeException e) {
          failure = e;
        }
      }
      if (failure != null) {
        throw new IOException("jnr-ffi cannot bind libc: " + failure, failure);
      }
      return bound;
    }
  }

  /** The calls. */
  LibC libc() {
    return libc;
  }

  /** The {@code errno} the last call on this thread saved; read it before any other call. */
  int errno() {
    return LastError.getLastError(runtime);
  }

  /** The size of a C {@code long}, which sizes {@code struct timeval}. */
  int longSize() {
    return runtime.longSize();
  }
}
