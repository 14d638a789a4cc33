package dev.portcullis.agent.cli;

import picocli.CommandLine;

/**
 * One {@code --provider_setting=NAME=VALUE}: a setting the agent does not know, for the providers
 * that read it, such as an extension policy's parameters.
 *
 * @param name the setting's name: not empty, no whitespace, not starting with {@code -}
 * @param value everything after the first {@code =}, as given; possibly empty
 */
record ProviderSetting(String name, String value) {

  static final String FLAG = "provider_setting";

  /** {@code NAME=VALUE}, as given. */
  @Override
  public String toString() {
    return name + "=" + value;
  }

  /**
   * Reads {@code NAME=VALUE}, splitting at the first {@code =}.
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  static ProviderSetting parse(String text) {
    int equals = text.indexOf('=');
    if (equals < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' has no '=': write NAME=VALUE, such as example_pattern=web-.*");
    }
    String name = text.substring(0, equals);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' has no NAME before '='");
    }
    if (name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException(
          "'" + text + "': the NAME '" + name + "' has whitespace or control characters");
    }
    if (name.startsWith("-")) {
      throw new IllegalArgumentException(
          "'" + text + "': write the NAME without leading dashes, as the provider reads it");
    }
    return new ProviderSetting(name, text.substring(equals + 1));
  }

  /** Reads {@code --provider_setting} values for picocli, whose error names the flag. */
  static final class Converter implements CommandLine.ITypeConverter<ProviderSetting> {
    @Override
    public ProviderSetting convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
