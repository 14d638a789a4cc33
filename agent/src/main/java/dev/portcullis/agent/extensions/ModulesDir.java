package dev.portcullis.agent.extensions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The jars of an extension directory: every regular file in it whose name ends with {@code .jar},
 * in name order. Other files and subdirectories are not looked at.
 */
final class ModulesDir {

  static final String FLAG = "modules_dir";

  private ModulesDir() {}

  /**
   * The jars in {@code dir}.
   *
   * @throws ExtensionException if {@code dir} is missing, is not a directory, cannot be listed, or
   *     holds no jar
   */
  static List<Path> jars(Path dir) {
    if (!Files.exists(dir)) {
      throw problem(dir, "no such directory");
    }
    if (!Files.isDirectory(dir)) {
      throw problem(dir, "not a directory");
    }
    List<Path> jars;
    try (Stream<Path> entries = Files.list(dir)) {
      jars =
          entries
              .filter(entry -> entry.getFileName().toString().endsWith(".jar"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new ExtensionException(
          "Invalid flag --" + FLAG + "=" + dir + ": cannot be listed: " + e.getMessage(), e);
    }
    if (jars.isEmpty()) {
      throw problem(
          dir,
          "holds no *.jar; put the extension module jars there, or leave --"
              + FLAG
              + " out to run with the built-in providers alone");
    }
    return jars;
  }

  private static ExtensionException problem(Path dir, String problem) {
    return new ExtensionException("Invalid flag --" + FLAG + "=" + dir + ": " + problem);
  }
}
