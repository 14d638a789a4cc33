package dev.portcullis.agent.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a helper program to its end, or gives it up after a bound: its input is {@code /dev/null},
 * and its output and error are read beside the wait, so that one that hangs, or fills a pipe, never
 * holds up the caller longer than the bound.
 */
public final class BoundedCommand {

  /**
   * What the program did.
   *
   * @param exit its exit status
   * @param out its standard output
   * @param err its standard error
   */
  public record Result(int exit, String out, String err) {}

  private BoundedCommand() {}

  /**
   * Runs {@code argv} and waits for it, at most {@code bound}.
   *
   * @throws IOException if it cannot be started, does not end within the bound (it is then killed),
   *     or the wait is interrupted (the interrupt is kept)
   */
  public static Result run(List<String> argv, Duration bound) throws IOException {
    Process process =
        new ProcessBuilder(argv)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    CompletableFuture<String> out = drain(process.getInputStream(), argv.get(0) + " stdout");
    CompletableFuture<String> err = drain(process.getErrorStream(), argv.get(0) + " stderr");
    try {
      if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", argv) + " did not end within " + bound);
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted waiting for " + String.join(" ", argv), e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Reads a stream to its end on a thread of its own: a blocking read belongs to no pool. */
  private static CompletableFuture<String> drain(InputStream stream, String name) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.completeExceptionally(new UncheckedIOException(e));
              }
            },
            name);
    reader.setDaemon(true);
    reader.start();
    return text;
  }
}
