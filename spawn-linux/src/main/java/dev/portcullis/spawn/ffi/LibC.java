package dev.portcullis.spawn.ffi;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls that starting, releasing and reaping a child need, and nothing more.
 *
 * <p>jnr-ffi implements this interface at run time. The {@code posix_spawn} family returns an error
 * number instead of setting {@code errno}; the other calls return -1 and save {@code errno}, which
 * the caller reads on the same thread right after the call. Strings are passed as NUL-terminated
 * byte arrays, encoded by the caller as the JDK encodes file names, so that jnr-ffi's own choice of
 * charset never matters.
 *
 * <p>This is a native boundary, not an API: it is exported only because jnr-ffi defines its
 * implementation in an unnamed module.
 */
public interface LibC {

  /**
   * {@code pipe2(2)}.
   *
   * @param fds receives the read end, then the write end
   * @param flags {@code O_CLOEXEC}, for instance
   * @return 0, or -1
   */
  @SaveError
  int pipe2(@Out int[] fds, int flags);

  /**
   * {@code posix_spawnp(3)}: starts {@code file}, searched on the {@code PATH} of the caller when
   * it holds no slash.
   *
   * @param pid receives the child's pid
   * @param file the program, NUL-terminated
   * @param fileActions an initialized {@code posix_spawn_file_actions_t}
   * @param attributes an initialized {@code posix_spawnattr_t}
   * @param argv a NULL-terminated array of NUL-terminated strings
   * @param envp a NULL-terminated array of {@code NAME=value} strings
   * @return 0, or an error number
   */
  int posix_spawnp(
      @Out int[] pid,
      @In byte[] file,
      Pointer fileActions,
      Pointer attributes,
      Pointer argv,
      Pointer envp);

  /**
   * {@code posix_spawn_file_actions_init(3)}.
   *
   * @param actions memory for a {@code posix_spawn_file_actions_t}
   * @return 0, or an error number
   */
  int posix_spawn_file_actions_init(Pointer actions);

  /**
   * {@code posix_spawn_file_actions_destroy(3)}.
   *
   * @param actions an initialized {@code posix_spawn_file_actions_t}
   * @return 0, or an error number
   */
  int posix_spawn_file_actions_destroy(Pointer actions);

  /**
   * {@code posix_spawn_file_actions_adddup2(3)}: the child gets {@code fd} as {@code newFd}, which
   * is not closed on exec.
   *
   * @param actions an initialized {@code posix_spawn_file_actions_t}
   * @param fd the parent's descriptor
   * @param newFd the child's
   * @return 0, or an error number
   */
  int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

  /**
   * {@code posix_spawn_file_actions_addopen(3)}: the child opens {@code path} as {@code fd}.
   *
   * @param actions an initialized {@code posix_spawn_file_actions_t}
   * @param fd the child's descriptor
   * @param path the file, NUL-terminated
   * @param flags {@code open(2)} flags
   * @param mode the mode of a file created, before the umask
   * @return 0, or an error number
   */
  int posix_spawn_file_actions_addopen(
      Pointer actions, int fd, @In byte[] path, int flags, int mode);

  /**
   * {@code posix_spawn_file_actions_addchdir_np(3)}, glibc 2.29 and later.
   *
   * @param actions an initialized {@code posix_spawn_file_actions_t}
   * @param path the child's working directory, NUL-terminated
   * @return 0, or an error number
   */
  int posix_spawn_file_actions_addchdir_np(Pointer actions, @In byte[] path);

  /**
   * {@code posix_spawn_file_actions_addclosefrom_np(3)}, glibc 2.34 and later: the child closes
   * every descriptor from {@code from} up.
   *
   * @param actions an initialized {@code posix_spawn_file_actions_t}
   * @param from the lowest descriptor closed
   * @return 0, or an error number
   */
  int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  /**
   * {@code posix_spawnattr_init(3)}.
   *
   * @param attributes memory for a {@code posix_spawnattr_t}
   * @return 0, or an error number
   */
  int posix_spawnattr_init(Pointer attributes);

  /**
   * {@code posix_spawnattr_destroy(3)}.
   *
   * @param attributes an initialized {@code posix_spawnattr_t}
   * @return 0, or an error number
   */
  int posix_spawnattr_destroy(Pointer attributes);

  /**
   * {@code posix_spawnattr_setflags(3)}.
   *
   * @param attributes an initialized {@code posix_spawnattr_t}
   * @param flags {@code POSIX_SPAWN_*} flags
   * @return 0, or an error number
   */
  int posix_spawnattr_setflags(Pointer attributes, short flags);

  /**
   * {@code posix_spawnattr_setsigmask(3)}.
   *
   * @param attributes an initialized {@code posix_spawnattr_t}
   * @param mask the child's signal mask, a {@code sigset_t}
   * @return 0, or an error number
   */
  int posix_spawnattr_setsigmask(Pointer attributes, Pointer mask);

  /**
   * {@code posix_spawnattr_setsigdefault(3)}.
   *
   * @param attributes an initialized {@code posix_spawnattr_t}
   * @param signals the signals whose action the child resets to the default, a {@code sigset_t}
   * @return 0, or an error number
   */
  int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

  /**
   * {@code sigemptyset(3)}.
   *
   * @param set memory for a {@code sigset_t}
   * @return 0, or -1
   */
  int sigemptyset(Pointer set);

  /**
   * {@code sigfillset(3)}.
   *
   * @param set memory for a {@code sigset_t}
   * @return 0, or -1
   */
  int sigfillset(Pointer set);

  /**
   * {@code waitpid(2)}.
   *
   * @param pid the child
   * @param status receives the wait status
   * @param options {@code WNOHANG}, for instance
   * @return the pid reaped, 0 when {@code WNOHANG} found it still running, or -1
   */
  @SaveError
  int waitpid(int pid, @Out int[] status, int options);

  /**
   * {@code waitid(2)}.
   *
   * @param idType {@code P_ALL}, for instance
   * @param id the pid or group, where the type names one
   * @param info receives the {@code siginfo_t} of the child found
   * @param options {@code WEXITED}, and {@code WNOWAIT} to leave the child to be reaped
   * @return 0, or -1
   */
  @SaveError
  int waitid(int idType, int id, @Out byte[] info, int options);

  /**
   * {@code write(2)}.
   *
   * @param fd the descriptor
   * @param bytes what is written, from the first byte
   * @param count how many bytes
   * @return the number written, or -1
   */
  @SaveError
  @ssize_t
  long write(int fd, @In byte[] bytes, @size_t long count);

  /**
   * {@code close(2)}.
   *
   * @param fd the descriptor
   * @return 0, or -1
   */
  @SaveError
  int close(int fd);

  /**
   * {@code kill(2)}.
   *
   * @param pid the process
   * @param signal the signal
   * @return 0, or -1
   */
  @SaveError
  int kill(int pid, int signal);

  /**
   * {@code syscall(2)} with two arguments, for {@code pidfd_open(2)}, which older C libraries do
   * not wrap.
   *
   * @param number the system call's number
   * @param first its first argument
   * @param second its second argument
   * @return what the call returns, or -1
   */
  @SaveError
  long syscall(long number, long first, long second);

  /**
   * {@code epoll_create1(2)}.
   *
   * @param flags {@code EPOLL_CLOEXEC} or 0
   * @return the new epoll descriptor, or -1
   */
  @SaveError
  int epoll_create1(int flags);

  /**
   * {@code epoll_ctl(2)}.
   *
   * @param epfd the epoll descriptor
   * @param op {@code EPOLL_CTL_ADD} or {@code EPOLL_CTL_DEL}
   * @param fd the descriptor added or removed
   * @param event a direct buffer holding one {@code struct epoll_event}, read
   * @return 0, or -1
   */
  @SaveError
  int epoll_ctl(int epfd, int op, int fd, ByteBuffer event);

  /**
   * {@code epoll_wait(2)}.
   *
   * @param epfd the epoll descriptor
   * @param events a direct buffer with room for {@code maxEvents} {@code struct epoll_event}s,
   *     written
   * @param maxEvents how many it has room for
   * @param timeout milliseconds to wait; 0 not to
   * @return how many it wrote, or -1
   */
  @SaveError
  int epoll_wait(int epfd, ByteBuffer events, int maxEvents, int timeout);

  /**
   * {@code strerror(3)}.
   *
   * @param errno an error number
   * @return its description
   */
  String strerror(int errno);
}
