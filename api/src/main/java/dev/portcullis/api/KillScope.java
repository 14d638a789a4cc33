package dev.portcullis.api;

/**
 * What a {@link Verdict#kill kill verdict} kills: the violation's root container, as Mesos does, or
 * only the container that holds the offending sockets.
 *
 * <p>For a violation by a top-level container the two are the same container.
 *
 * @since 0.2
 */
@Stability(Stability.Level.EXPERIMENTAL)
public enum KillScope {
  /**
   * The root container and every container nested in it; the limitation is raised on the root. The
   * behaviour of the Mesos {@code network/ports} isolator, and the default.
   */
  ROOT,
  /**
   * The offending container and every container nested in it; the limitation is raised on the
   * offending container, and its root and the root's other containers go on running.
   */
  OFFENDER
}
