package dev.portcullis.spawn;

import dev.portcullis.spawn.ffi.LibC;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Starts held children with {@code posix_spawnp(3)}: each in a session of its own, with a clean
 * signal mask and every signal's action at its default, no descriptor of the spawner's but the
 * three it is given, and a pipe for standard input that the parent writes once to release it.
 *
 * <p>One thread, {@code portcullis-reaper}, reaps every child the spawner started as it exits,
 * where the JDK's {@link ProcessBuilder} parks a thread on each child for as long as it lives. It
 * sleeps in {@code waitid(2)} until a child of this JVM exits, reaps it if it is one of the
 * spawner's, and leaves any other (one the JDK started, with its own reaper thread) to its owner.
 *
 * <p>One per JVM, since every reaper would see every other's children; safe for use by several
 * threads.
 */
public final class Spawner {

  private static final int O_WRONLY = 1;
  private static final int O_CREAT = 0100;
  private static final int O_APPEND = 02000;
  private static final int O_CLOEXEC = 02000000;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;

  /**
   * Bytes enough for glibc's {@code posix_spawn_file_actions_t} (80 on 64-bit Linux), {@code
   * posix_spawnattr_t} (336) and {@code sigset_t} (128), with room to spare.
   */
  private static final int ACTIONS_SIZE = 256;

  private static final int ATTRIBUTES_SIZE = 1024;
  private static final int SIGSET_SIZE = 256;

  /** The JDK's own charset for file names and arguments; the same bytes as ProcessBuilder. */
  private static final Charset NATIVE = nativeCharset();

  private static final Object LOCK = new Object();
  private static Spawner instance; // guarded by LOCK

  private final Binding binding;
  private final ChildReaper reaper;

  private Spawner(Binding binding) {
    this.binding = binding;
    this.reaper = new ChildReaper(binding);
  }

  /**
   * {@return the spawner of this JVM, made on first use}
   *
   * @throws IOException naming the cause when {@code posix_spawn(3)} cannot be reached here: not
   *     Linux, or a libc older than glibc 2.34
   */
  public static Spawner get() throws IOException {
    synchronized (LOCK) {
      if (instance == null) {
        instance = new Spawner(Binding.get());
      }
      return instance;
    }
  }

  /**
   * {@return how many of its children have ended so far} Reaped, or lost to another waiter in this
   * process. The count grows only once the child's {@link SpawnedChild#exitStatus()} tells, so a
   * caller that reads the same count as at its last look knows that no child has ended since.
   */
  public long ended() {
    return reaper.ended();
  }

  /**
   * Starts the child, held: it reads a line from its standard input before anything else it does is
   * up to its program, which is why its standard input is a pipe kept by {@link SpawnedChild}.
   * Returns once the child has started its program.
   *
   * @param request what to run, where and how
   * @return the child, held
   * @throws IOException if the pipe cannot be made or the program cannot be started, naming the
   *     program and the cause: a missing program, a working directory or an output file that cannot
   *     be opened
   */
  public SpawnedChild spawn(SpawnRequest request) throws IOException {
    LibC libc = binding.libc();
    int[] pipe = new int[2];
    if (libc.pipe2(pipe, O_CLOEXEC) != 0) {
      throw new IOException(
          "cannot make the pipe for " + request.command().get(0) + ": " + describeErrno());
    }
    int readEnd = pipe[0];
    int writeEnd = pipe[1];
    boolean started = false;
    try {
      // Registered before the child can be reaped: the reaper leaves a pid it does not know.
      SpawnedChild child;
      synchronized (reaper) {
        child = new SpawnedChild(binding, start(request, readEnd), writeEnd);
        reaper.adopt(child);
      }
      started = true;
      return child;
    } finally {
      libc.close(readEnd);
      if (!started) {
        libc.close(writeEnd);
      }
    }
  }

  private int start(SpawnRequest request, int input) throws IOException {
    LibC libc = binding.libc();
    jnr.ffi.Runtime runtime = binding.runtime();
    Pointer actions = Memory.allocateDirect(runtime, ACTIONS_SIZE, true);
    Pointer attributes = Memory.allocateDirect(runtime, ATTRIBUTES_SIZE, true);
    check(libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
    try {
      check(libc.posix_spawnattr_init(attributes), "posix_spawnattr_init");
      try {
        Pointer empty = Memory.allocateDirect(runtime, SIGSET_SIZE, true);
        Pointer all = Memory.allocateDirect(runtime, SIGSET_SIZE, true);
        libc.sigemptyset(empty);
        libc.sigfillset(all);
        check(libc.posix_spawnattr_setsigmask(attributes, empty), "posix_spawnattr_setsigmask");
        check(libc.posix_spawnattr_setsigdefault(attributes, all), "posix_spawnattr_setsigdefault");
        check(
            libc.posix_spawnattr_setflags(
                attributes,
                (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
            "posix_spawnattr_setflags");

        check(libc.posix_spawn_file_actions_adddup2(actions, input, 0), "adddup2");
        redirect(actions, 1, request.stdout());
        redirect(actions, 2, request.stderr());
        // The JDK opens most of its descriptors without O_CLOEXEC: a task must not inherit the
        // agent's listening API socket, nor anything else of the agent's.
        check(libc.posix_spawn_file_actions_addclosefrom_np(actions, 3), "addclosefrom_np");
        check(
            libc.posix_spawn_file_actions_addchdir_np(
                actions, bytes(request.directory().toString())),
            "addchdir_np");

        List<Pointer> keep = new ArrayList<>();
        Pointer argv = strings(request.command(), keep);
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, String> variable : request.environment().entrySet()) {
          pairs.add(variable.getKey() + "=" + variable.getValue());
        }
        Pointer envp = strings(pairs, keep);
        int[] pid = new int[1];
        int error =
            libc.posix_spawnp(
                pid, bytes(request.command().get(0)), actions, attributes, argv, envp);
        if (error != 0) {
          throw new IOException(
              "cannot start "
                  + request.command().get(0)
                  + " in "
                  + request.directory()
                  + ": "
                  + binding.describe(error));
        }
        return pid[0];
      } finally {
        libc.posix_spawnattr_destroy(attributes);
      }
    } finally {
      libc.posix_spawn_file_actions_destroy(actions);
    }
  }

  private void redirect(Pointer actions, int fd, Output output) throws IOException {
    LibC libc = binding.libc();
    if (output instanceof Output.AppendTo append) {
      check(
          libc.posix_spawn_file_actions_addopen(
              actions, fd, bytes(append.file().toString()), O_WRONLY | O_CREAT | O_APPEND, 0666),
          "addopen " + append.file());
    } else if (output instanceof Output.Discard) {
      check(
          libc.posix_spawn_file_actions_addopen(actions, fd, bytes("/dev/null"), O_WRONLY, 0),
          "addopen /dev/null");
    }
    // Inherit: the descriptor is the spawner's, left open across the exec.
  }

  /** A NULL-terminated array of the strings; {@code keep} holds their memory until the call. */
  private Pointer strings(List<String> strings, List<Pointer> keep) {
    jnr.ffi.Runtime runtime = binding.runtime();
    int width = runtime.addressSize();
    Pointer array = Memory.allocateDirect(runtime, (strings.size() + 1) * width, true);
    for (int i = 0; i < strings.size(); i++) {
      byte[] bytes = bytes(strings.get(i));
      Pointer string = Memory.allocateDirect(runtime, bytes.length, false);
      string.put(0, bytes, 0, bytes.length);
      keep.add(string);
      array.putAddress((long) i * width, string.address());
    }
    keep.add(array);
    return array;
  }

  private static Charset nativeCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  /** The string's bytes, NUL-terminated; a string holding NUL cannot be passed. */
  private static byte[] bytes(String string) {
    if (string.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "a NUL character cannot be passed to a program: " + string);
    }
    byte[] encoded = string.getBytes(NATIVE);
    byte[] terminated = new byte[encoded.length + 1];
    System.arraycopy(encoded, 0, terminated, 0, encoded.length);
    return terminated;
  }

  private void check(int error, String call) throws IOException {
    if (error != 0) {
      throw new IOException(call + " failed: " + binding.describe(error));
    }
  }

  /** Must be read right after the failed call, on its thread. */
  private String describeErrno() {
    return binding.describe(binding.errno());
  }
}
