package dev.portcullis.agent.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The symbolic links a test made in its root filesystems, which point anywhere. */
final class Links {

  private Links() {}

  /**
   * Removes every symbolic link under {@code directory}, before the test's temporary directory is
   * deleted: links whose targets lie outside it (on the host, as the container would not see them)
   * are then nothing to warn about.
   */
  static void removeAll(Path directory) throws IOException {
    List<Path> links;
    try (Stream<Path> paths = Files.walk(directory)) {
      links = paths.filter(Files::isSymbolicLink).toList();
    }
    for (Path link : links) {
      Files.delete(link);
    }
  }
}
