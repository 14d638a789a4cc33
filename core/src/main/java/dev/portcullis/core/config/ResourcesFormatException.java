package dev.portcullis.core.config;

import dev.portcullis.api.Stability;
import java.util.Objects;

/**
 * Thrown when text is not a valid Mesos agent {@code --resources} value. The message quotes the
 * input (cut to its first 200 characters when longer), names the offending entry and says what is
 * wrong with it.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class ResourcesFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The text that failed to parse, in full. */
  private final String input;

  /** What is wrong with the input, without the input itself. */
  private final String problem;

  /**
   * @param input the text that failed to parse, as given; never null
   * @param problem what is wrong with it, naming the offending entry; never null
   */
  public ResourcesFormatException(String input, String problem) {
    this(input, problem, null);
  }

  /**
   * As {@link #ResourcesFormatException(String, String)}, keeping the error that revealed the
   * problem.
   *
   * @param input the text that failed to parse, as given; never null
   * @param problem what is wrong with it, without the input; never null
   * @param cause the underlying error; may be null
   */
  public ResourcesFormatException(String input, String problem, Throwable cause) {
    super(
        "Invalid resources '"
            + Diagnostics.excerpt(Objects.requireNonNull(input, "input"))
            + "': "
            + Objects.requireNonNull(problem, "problem"),
        cause);
    this.input = input;
    this.problem = problem;
  }

  /** {@return the text that failed to parse, in full; never null} */
  public String input() {
    return input;
  }

  /** {@return what is wrong with the input, without the input itself; never null} */
  public String problem() {
    return problem;
  }
}
