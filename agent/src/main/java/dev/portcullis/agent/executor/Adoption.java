package dev.portcullis.agent.executor;

import java.util.Objects;
import java.util.Optional;

/**
 * An existing cgroup that an executor follows instead of launching anything: a container another
 * engine started, such as podman with {@code --network host}. Its one task is the whole cgroup; the
 * isolator judges it as any executor, a violation kills everything in it, and the task ends when
 * the cgroup holds no process or is gone. The cgroup itself is the engine's and is never removed.
 *
 * @param cgroup the cgroup, as a path from its hierarchy's root, such as {@code
 *     /libpod_parent/libpod-<id>}
 * @param podman the podman container it was found through, by the name or id the request gave;
 *     empty when the request named the cgroup
 */
public record Adoption(String cgroup, Optional<String> podman) {

  /** Checks for nulls and that the path is one from a hierarchy's root. */
  public Adoption {
    Objects.requireNonNull(cgroup, "cgroup");
    if (!cgroup.startsWith("/")) {
      throw new IllegalArgumentException("cgroup '" + cgroup + "' must start with /");
    }
    Objects.requireNonNull(podman, "podman");
  }

  /** How logs name it. */
  String describe() {
    return "cgroup " + cgroup + podman.map(name -> " (podman container " + name + ")").orElse("");
  }
}
