package dev.portcullis.agent.extensions;

/**
 * An extension directory ({@code --modules_dir}), or a jar in it, that the agent cannot load. The
 * message is one line that names the directory or the jar, what is wrong with it and, where it
 * helps, what to do; nothing was launched.
 */
public final class ExtensionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  ExtensionException(String message) {
    super(message);
  }

  ExtensionException(String message, Throwable cause) {
    super(message, cause);
  }
}
