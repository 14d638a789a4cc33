package dev.portcullis.agent.host;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** Finds programs as the shell would, on {@code PATH}. */
public final class SearchPath {

  private SearchPath() {}

  /** The first regular, executable file named {@code program} in a {@code PATH} directory. */
  public static Optional<Path> find(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator, -1)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate;
      try {
        candidate = Path.of(dir, program);
      } catch (InvalidPathException notADirectory) {
        continue; // A malformed PATH entry holds no program; the shell would skip it too.
      }
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
