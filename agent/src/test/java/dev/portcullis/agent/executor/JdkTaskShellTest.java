package dev.portcullis.agent.executor;

import dev.portcullis.spawn.Spawner;
import java.util.Optional;

/** The task shell as the JDK starts it, where the spawner cannot be reached. */
class JdkTaskShellTest extends TaskShellContract {

  @Override
  Optional<Spawner> spawner() {
    return Optional.empty();
  }
}
