package dev.portcullis.core.config;

/** Assertions on error messages, which tests compare by their start so that hints may grow. */
public final class MessageAssertions {

  private MessageAssertions() {}

  /** Fails unless {@code actual} starts with {@code expectedStart}, showing both. */
  public static void assertStartsWith(String expectedStart, String actual) {
    if (!actual.startsWith(expectedStart)) {
      throw new AssertionError(
          "expected a message starting with <" + expectedStart + "> but was <" + actual + ">");
    }
  }
}
