package dev.portcullis.core.config;

import dev.portcullis.api.PortRangesFormatException;

/** Shapes the parts of error messages that several parsers in this package share. */
final class Diagnostics {

  /** Longer input is cut in messages, so that one bad flag cannot flood a log line. */
  static final int EXCERPT_LENGTH = 200;

  private Diagnostics() {}

  /** The input as given, or its first {@value #EXCERPT_LENGTH} characters and its length. */
  static String excerpt(String input) {
    if (input.length() <= EXCERPT_LENGTH) {
      return input;
    }
    return input.substring(0, EXCERPT_LENGTH) + "... (" + input.length() + " characters)";
  }

  /**
   * What is wrong with the text, without the quoted input that the exception's message begins with:
   * callers quote the input themselves, in their own words.
   */
  static String problemOf(PortRangesFormatException e) {
    String prefix = "Invalid port ranges '" + e.input() + "': ";
    String message = e.getMessage();
    // The prefix is not part of the api contract: if it ever changes, keep the whole message.
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
