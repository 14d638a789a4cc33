package dev.portcullis.agent.host;

import java.io.IOException;
import java.util.Optional;

/** Finds a user in the host's passwd database; {@link TaskUsers} validates the name first. */
@FunctionalInterface
public interface UserLookup {

  /**
   * The passwd entry of {@code user}: a name, or a uid if {@code user} is digits only.
   *
   * @return empty if the database holds no such user
   * @throws IOException if the database cannot be asked
   */
  Optional<TaskUser> find(String user) throws IOException;
}
