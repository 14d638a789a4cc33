package dev.portcullis.agent.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Resolves paths inside a root filesystem as the container will see them: a symbolic link's
 * absolute target names a path of the root filesystem, never of the host, and {@code ..} stops at
 * its root. So that a command missing from the root filesystem is refused before anything is
 * launched, rather than failing inside the runtime.
 */
final class RootfsPaths {

  /** As the kernel gives up on a path: {@code MAXSYMLINKS}. */
  private static final int MAX_LINKS = 40;

  /** The search path of a container whose task gives none, as the OCI runtimes' samples set it. */
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Path rootfs;

  RootfsPaths(Path rootfs) {
    this.rootfs = rootfs;
  }

  /**
   * The host path of the regular, executable file {@code program} names in the container: a path if
   * it holds a {@code /}, otherwise the first match in the directories of {@code searchPath}.
   */
  Optional<Path> program(String program, String searchPath) {
    if (program.indexOf('/') >= 0) {
      String inContainer = program.startsWith("/") ? program : "/" + program;
      return resolve(inContainer).filter(RootfsPaths::isProgram);
    }
    for (String dir : searchPath.split(":", -1)) {
      if (dir.startsWith("/")) {
        Optional<Path> found = resolve(dir + "/" + program).filter(RootfsPaths::isProgram);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /** The host path that the container's absolute {@code path} is, links followed; empty if none. */
  Optional<Path> resolve(String path) {
    Deque<String> todo = new ArrayDeque<>(List.of(path.split("/")));
    Deque<String> done = new ArrayDeque<>();
    int links = 0;
    try {
      while (!todo.isEmpty()) {
        String name = todo.removeFirst();
        if (name.isEmpty() || name.equals(".")) {
          continue;
        }
        if (name.equals("..")) {
          done.pollLast();
          continue;
        }
        Path candidate = host(done).resolve(name);
        if (Files.isSymbolicLink(candidate)) {
          if (++links > MAX_LINKS) {
            return Optional.empty();
          }
          String target = Files.readSymbolicLink(candidate).toString();
          if (target.startsWith("/")) {
            done.clear();
          }
          List<String> parts = List.of(target.split("/"));
          for (int i = parts.size() - 1; i >= 0; i--) {
            todo.addFirst(parts.get(i));
          }
          continue;
        }
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
          return Optional.empty();
        }
        done.addLast(name);
      }
    } catch (IOException | InvalidPathException e) {
      return Optional.empty();
    }
    return Optional.of(host(done));
  }

  private Path host(Deque<String> names) {
    Path path = rootfs;
    for (String name : names) {
      path = path.resolve(name);
    }
    return path;
  }

  private static boolean isProgram(Path path) {
    return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(path);
  }
}
