package dev.portcullis.spawn;

import java.nio.file.Path;
import java.util.Objects;

/** Where a spawned child's standard output or standard error goes. */
public sealed interface Output {

  /** Appended to a file, created if missing (mode {@code 0666} less the umask). */
  record AppendTo(Path file) implements Output {
    /**
     * @param file the file; opened by the child before it runs anything
     */
    public AppendTo {
      Objects.requireNonNull(file, "file");
    }
  }

  /** To the spawner's own descriptor of the same number. */
  record Inherit() implements Output {}

  /** To {@code /dev/null}. */
  record Discard() implements Output {}

  /**
   * {@return output appended to {@code file}}
   *
   * @param file the file
   */
  static Output appendTo(Path file) {
    return new AppendTo(file);
  }

  /** {@return output to the spawner's own descriptor} */
  static Output inherit() {
    return new Inherit();
  }

  /** {@return output thrown away} */
  static Output discard() {
    return new Discard();
  }
}
