package dev.portcullis.spawn;

import dev.portcullis.spawn.ffi.LibC;
import java.io.IOException;
import java.util.Locale;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

/**
 * The libc binding, made once per JVM on first use, with the jnr-ffi runtime that holds the saved
 * {@code errno}.
 *
 * <p>Binding can fail (not Linux, jffi's native stub missing, a libc without {@code
 * posix_spawn_file_actions_addclosefrom_np}). The failure is remembered and reported on every later
 * attempt, so that every caller explains the same cause.
 */
final class Binding {

  private static final Object LOCK = new Object();
  private static Binding bound; // guarded by LOCK
  private static Throwable failure; // guarded by LOCK

  private final LibC libc;
  private final Runtime runtime;

  private Binding(LibC libc, Runtime runtime) {
    this.libc = libc;
    this.runtime = runtime;
  }

  /**
   * The binding.
   *
   * @throws IOException naming the cause when the calls cannot be reached here
   */
  // StaticAssignmentOfThrowable guards against throwing one stored exception, whose stack trace
  // is the first call's. The failure stored here is never thrown: it is the cause of the fresh
  // IOException each call throws.
  @SuppressWarnings("StaticAssignmentOfThrowable")
  static Binding get() throws IOException {
    synchronized (LOCK) {
      if (bound == null && failure == null) {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
          failure = new UnsupportedOperationException("the spawner runs only on Linux, not " + os);
        } else {
          try {
            // failImmediately: a libc too old for one of the calls fails here, not at a launch.
            LibC libc =
                LibraryLoader.create(LibC.class)
                    .failImmediately()
                    .load(Platform.getNativePlatform().getStandardCLibraryName());
            bound = new Binding(libc, Runtime.getRuntime(libc));
          } catch (LinkageError | RuntimeException e) {
            failure = e;
          }
        }
      }
      if (failure != null) {
        throw new IOException("cannot reach posix_spawn(3) through jnr-ffi: " + failure, failure);
      }
      return bound;
    }
  }

  LibC libc() {
    return libc;
  }

  Runtime runtime() {
    return runtime;
  }

  /** The {@code errno} the last call on this thread saved; read it before any other call. */
  int errno() {
    return LastError.getLastError(runtime);
  }

  /** An error number as {@code strerror(3)} words it, with the number. */
  String describe(int errno) {
    return libc.strerror(errno) + " (errno " + errno + ")";
  }
}
