package dev.portcullis.agent.host;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Looks users up with {@code getent passwd}, so that every source the host's NSS configuration
 * names (files, LDAP, sssd, systemd's dynamic users) is asked, as {@code getpwnam(3)} would; the
 * JDK offers no such call. {@code getent} reads a key of digits only as a uid.
 */
final class GetentLookup implements UserLookup {

  /** A directory service that does not answer must not hold up a launch for ever. */
  private static final Duration BOUND = Duration.ofSeconds(10);

  /** {@code getent}'s exit status for a key the database does not hold. */
  private static final int NOT_FOUND = 2;

  private static final int PASSWD_FIELDS = 7;

  @Override
  public Optional<TaskUser> find(String user) throws IOException {
    Process getent =
        new ProcessBuilder(List.of("getent", "passwd", "--", user))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .start();
    String output;
    try (InputStream out = getent.getInputStream()) {
      if (!getent.waitFor(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        getent.destroyForcibly();
        throw new IOException("getent passwd did not answer within " + BOUND.toSeconds() + "s");
      }
      // An entry is one short line: it fits in the pipe, so waiting before reading cannot stall.
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      getent.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while looking the user up", e);
    }
    int status = getent.exitValue();
    if (status == NOT_FOUND) {
      return Optional.empty();
    }
    if (status != 0) {
      throw new IOException("getent passwd failed with status " + status + ": " + output.strip());
    }
    return Optional.of(parse(output.lines().findFirst().orElse("")));
  }

  /** One line of the passwd database: {@code name:password:uid:gid:gecos:home:shell}. */
  static TaskUser parse(String line) throws IOException {
    String[] fields = line.split(":", -1);
    if (fields.length != PASSWD_FIELDS) {
      throw new IOException("getent passwd printed '" + line + "', not a passwd entry");
    }
    try {
      return new TaskUser(fields[0], Long.parseLong(fields[2]), Long.parseLong(fields[3]));
    } catch (IllegalArgumentException e) {
      throw new IOException("getent passwd printed '" + line + "': " + e.getMessage(), e);
    }
  }
}
