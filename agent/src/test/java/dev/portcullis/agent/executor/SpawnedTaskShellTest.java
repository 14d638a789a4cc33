package dev.portcullis.agent.executor;

import static org.junit.jupiter.api.Assumptions.abort;

import dev.portcullis.spawn.Spawner;
import java.io.IOException;
import java.util.Optional;

/** The task shell as every Linux host starts it: by {@code posix_spawn(3)}. */
class SpawnedTaskShellTest extends TaskShellContract {

  @Override
  Optional<Spawner> spawner() throws IOException {
    try {
      return Optional.of(Spawner.get());
    } catch (IOException e) {
      if ("1".equals(System.getenv("PORTCULLIS_REQUIRE_LINUX"))) {
        throw e;
      }
      // Skipped off Linux, as the other tests that need it; a failure where Linux is required.
      return abort("the spawner cannot be reached here: " + e.getMessage());
    }
  }
}
