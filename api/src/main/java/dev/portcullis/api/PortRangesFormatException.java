package dev.portcullis.api;

/**
 * Thrown when text is not a valid port range list. The message quotes the offending input and says
 * what is wrong with it.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class PortRangesFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The text that failed to parse, as given. */
  private final String input;

  /**
   * @param input the text that failed to parse, quoted in the message
   * @param problem what is wrong with it
   */
  public PortRangesFormatException(String input, String problem) {
    super("Invalid port ranges '" + input + "': " + problem);
    this.input = input;
  }

  /** {@return the text that failed to parse, as given} */
  public String input() {
    return input;
  }
}
