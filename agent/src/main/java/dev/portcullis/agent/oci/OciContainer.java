package dev.portcullis.agent.oci;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A task's OCI container, as the task asks for it: the root filesystem its command runs in, and the
 * few things about the container a task may choose. Everything else is the agent's: the container
 * shares the host's network namespace (its ports are what the agent enforces), has pid, mount, uts
 * and ipc namespaces of its own, and lives in the task's cgroup.
 *
 * @param rootfs the root filesystem, an absolute path to a directory on the host
 * @param writable whether the task may write to its root filesystem; read-only by default
 * @param env variables added to the command's environment, after the agent's defaults and before
 *     the agent's {@code PORTCULLIS_*} ones, which no task may change
 * @param cwd the command's working directory inside the container; the sandbox when empty
 * @param hostname the container's host name; the host's when empty
 */
public record OciContainer(
    Path rootfs,
    boolean writable,
    Map<String, String> env,
    Optional<String> cwd,
    Optional<String> hostname) {

  /** The {@code type} of an OCI container in the API and the checkpoint. */
  public static final String TYPE = "oci";

  /** Where the task's sandbox is mounted inside its container, as Mesos mounts it. */
  public static final String SANDBOX_MOUNT = "/mnt/mesos/sandbox";

  /** A value of the container that is wrong, and which field it is. */
  public static final class InvalidFieldException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    InvalidFieldException(String field, String message) {
      super(message);
      this.field = field;
    }

    /**
     * {@return the field at fault: {@code rootfs}, {@code env.NAME}, {@code cwd} or {@code
     * hostname}}
     */
    public String field() {
      return field;
    }
  }

  /** Longer is no host name: Linux's {@code HOST_NAME_MAX}. */
  static final int MAX_HOSTNAME_LENGTH = 64;

  /**
   * Checks the values, so that every container held is one the agent can run.
   *
   * @throws InvalidFieldException naming the first value that is wrong, and its field
   */
  public OciContainer {
    Objects.requireNonNull(rootfs, "rootfs");
    if (!rootfs.isAbsolute()) {
      throw new InvalidFieldException("rootfs", "rootfs '" + rootfs + "' must be an absolute path");
    }
    env = Map.copyOf(env);
    env.forEach(OciContainer::checkVariable);
    Objects.requireNonNull(cwd, "cwd");
    cwd.ifPresent(OciContainer::checkCwd);
    Objects.requireNonNull(hostname, "hostname");
    hostname.ifPresent(OciContainer::checkHostname);
  }

  /** The variables, sorted by name: the order the bundle and the checkpoint write them in. */
  public Map<String, String> sortedEnv() {
    return new TreeMap<>(env);
  }

  private static void checkVariable(String name, String value) {
    if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new InvalidFieldException(
          "env." + name,
          "env: '" + name + "' is no variable name: it must be non-empty, without '=' or NUL");
    }
    if (name.startsWith("PORTCULLIS_")) {
      throw new InvalidFieldException(
          "env." + name,
          "env: " + name + " is the agent's to set; no task may set a PORTCULLIS_ variable");
    }
    if (value.indexOf('\0') >= 0) {
      throw new InvalidFieldException(
          "env." + name, "env: the value of " + name + " must not contain NUL");
    }
  }

  private static void checkCwd(String cwd) {
    if (!cwd.startsWith("/") || cwd.indexOf('\0') >= 0) {
      throw new InvalidFieldException(
          "cwd", "cwd '" + cwd + "' must be an absolute path inside the container");
    }
  }

  private static void checkHostname(String hostname) {
    boolean valid =
        !hostname.isEmpty()
            && hostname.length() <= MAX_HOSTNAME_LENGTH
            && hostname
                .chars()
                .allMatch(c -> (c < 128 && Character.isLetterOrDigit(c)) || c == '-' || c == '.')
            && !hostname.startsWith("-")
            && !hostname.startsWith(".");
    if (!valid) {
      throw new InvalidFieldException(
          "hostname",
          "hostname '"
              + hostname
              + "' must be 1 to "
              + MAX_HOSTNAME_LENGTH
              + " ASCII letters, digits, '-' and '.', not starting with '-' or '.'");
    }
  }
}
