package dev.portcullis.agent.oci;

import dev.portcullis.agent.host.BoundedCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OCI runtime the agent runs container tasks with ({@code runc}), and the directory where it
 * keeps its containers' state. A task's runtime container is named as the task's container is, so
 * that removing a container can find the runtime state of it and of every container nested in it.
 *
 * <p>The runtime runs in the foreground under the task's supervising shell, inside the task's
 * cgroup: its exit status is the command's, and a kill of the cgroup kills it with the container.
 * What it then could not clean up itself, its state and its cgroups, is removed by {@link
 * #deleteWithin} with {@code delete --force}.
 */
public final class OciRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(OciRuntime.class);

  /** The program looked for on {@code PATH} when none is named. */
  public static final String DEFAULT_PROGRAM = "runc";

  /**
   * The default state directory: on the tmpfs a reboot empties, as the runtime's own default is,
   * but the agent's alone.
   */
  public static final Path DEFAULT_STATE_ROOT = Path.of("/run/portcullis/runc");

  /** How long one {@code delete} may take before it is given up. */
  private static final Duration DELETE_BOUND = Duration.ofSeconds(30);

  private final Path executable;
  private final Path stateRoot;

  /**
   * @param executable the runtime's program
   * @param stateRoot the directory, given to it as {@code --root}, where it keeps state
   */
  public OciRuntime(Path executable, Path stateRoot) {
    this.executable = executable;
    this.stateRoot = stateRoot;
  }

  /** {@return the runtime's program} */
  public Path executable() {
    return executable;
  }

  /** {@return where the runtime keeps its containers' state} */
  public Path stateRoot() {
    return stateRoot;
  }

  /**
   * The argv that runs the bundle's container in the foreground as {@code id} and exits with its
   * command's status, removing the container when it ends.
   */
  public List<String> runCommand(Path bundle, String id) {
    return List.of(
        executable.toString(),
        "--root",
        stateRoot.toString(),
        "run",
        "--bundle",
        bundle.toString(),
        id);
  }

  /**
   * Checks, before anything is launched, that the container can run the command: its root
   * filesystem is a directory and holds the program.
   *
   * @throws IllegalArgumentException saying what is missing
   */
  public static void check(OciContainer container, List<String> command) {
    Path rootfs = container.rootfs();
    if (!Files.isDirectory(rootfs)) {
      throw new IllegalArgumentException(
          "rootfs "
              + rootfs
              + (Files.exists(rootfs)
                  ? " is not a directory"
                  : " does not exist on the agent's host"));
    }
    String searchPath = container.env().getOrDefault("PATH", RootfsPaths.DEFAULT_PATH);
    String program = command.get(0);
    if (program.indexOf('/') > 0) {
      // The runtime would look for it from the working directory, which may be the sandbox that
      // does not exist yet: it cannot be checked, so it is not taken.
      throw new IllegalArgumentException(
          "the program "
              + program
              + " is a relative path; in a container give an absolute path, or a name on the"
              + " container's PATH");
    }
    if (new RootfsPaths(rootfs).program(program, searchPath).isEmpty()) {
      throw new IllegalArgumentException(
          "the root filesystem "
              + rootfs
              + " holds no executable "
              + program
              + (program.indexOf('/') >= 0 ? "" : " on the container's PATH " + searchPath));
    }
  }

  /**
   * Deletes the runtime's containers named {@code name} or nested in it ({@code name.*}), whose
   * processes are gone: their state and the cgroups the runtime made. A container the runtime does
   * not hold is nothing to delete.
   *
   * @throws IOException if a delete fails; the others are still tried
   */
  public void deleteWithin(String name) throws IOException {
    if (!Files.isDirectory(stateRoot)) {
      return;
    }
    List<String> ids = new ArrayList<>();
    try (Stream<Path> entries = Files.list(stateRoot)) {
      entries
          .map(entry -> entry.getFileName().toString())
          .filter(id -> id.equals(name) || id.startsWith(name + "."))
          .sorted()
          .forEach(ids::add);
    }
    IOException failure = null;
    for (String id : ids) {
      try {
        delete(id);
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void delete(String id) throws IOException {
    BoundedCommand.Result delete =
        BoundedCommand.run(
            List.of(executable.toString(), "--root", stateRoot.toString(), "delete", "--force", id),
            DELETE_BOUND);
    if (delete.exit() != 0 && Files.exists(stateRoot.resolve(id))) {
      throw new IOException(
          executable
              + " delete --force "
              + id
              + " exited "
              + delete.exit()
              + ": "
              + (delete.err() + delete.out()).strip());
    }
    LOG.debug("Deleted runtime container {}", id);
  }
}
