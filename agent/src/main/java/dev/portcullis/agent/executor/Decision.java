package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerLimitation;
import java.util.Objects;

/**
 * A kill the executor core has decided on, recorded before it is carried out, so that a crash
 * part-way through cannot change what is reported: recovery completes the kill and reports every
 * task still live with {@code ending}, exactly as the core would have.
 *
 * @param ending how the live tasks end: {@link Termination.Limited limited}, {@link
 *     Termination.Killed killed} or {@link Termination.LaunchFailed launch-failed}
 * @param reason why the executor is killed
 */
public record Decision(Termination ending, KillReason reason) {

  /** Checks for nulls, and that the ending is one a kill decides. */
  public Decision {
    Objects.requireNonNull(ending, "ending");
    Objects.requireNonNull(reason, "reason");
    if (ending instanceof Termination.Exited || ending instanceof Termination.Vanished) {
      throw new IllegalArgumentException("a kill does not end tasks as " + ending);
    }
  }

  /** The kill for a limitation the isolator raises: the live tasks fail with it. */
  static Decision limited(ContainerLimitation limitation) {
    return new Decision(new Termination.Limited(limitation), KillReason.CONTAINER_LIMITATION);
  }
}
