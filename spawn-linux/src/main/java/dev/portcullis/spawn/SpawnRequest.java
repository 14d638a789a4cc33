package dev.portcullis.spawn;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a held child runs, where, with what environment and output.
 *
 * @param command the program and its arguments; the program is searched on the spawner's {@code
 *     PATH} when it holds no slash
 * @param directory the child's working directory; must exist
 * @param environment the child's whole environment, nothing inherited
 * @param stdout where its standard output goes
 * @param stderr where its standard error goes
 */
public record SpawnRequest(
    List<String> command,
    Path directory,
    Map<String, String> environment,
    Output stdout,
    Output stderr) {

  /**
   * Copies the collections.
   *
   * @param command the program and its arguments, not empty
   * @param directory the working directory
   * @param environment the whole environment
   * @param stdout where standard output goes
   * @param stderr where standard error goes
   */
  public SpawnRequest {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the command names no program");
    }
    Objects.requireNonNull(directory, "directory");
    environment = Map.copyOf(environment);
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }
}
