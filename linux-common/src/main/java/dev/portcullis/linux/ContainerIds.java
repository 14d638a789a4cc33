package dev.portcullis.linux;

import dev.portcullis.api.ContainerId;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Between {@link ContainerId}s and the lists of cgroup names, root first, that {@link
 * ContainerCgroups} lays out: the one translation both trackers make.
 */
public final class ContainerIds {

  private ContainerIds() {}

  /**
   * {@return the container's values from its root down: {@code a.b} is {@code [a, b]}}
   *
   * @param container the container, top-level or nested
   */
  public static List<String> lineage(ContainerId container) {
    return container.lineage().stream().map(ContainerId::value).collect(Collectors.toList());
  }

  /**
   * The containers found under the tracker's root, read back from the Mesos layout; directories
   * whose names cannot be container ids (a task's own sub-cgroups) are not containers.
   *
   * @param cgroups the tracker's hierarchy and root
   * @return the containers, nested ones included; unmodifiable
   * @throws IOException if the hierarchy is unavailable or its tree cannot be read
   */
  public static Set<ContainerId> containers(ContainerCgroups cgroups) throws IOException {
    Set<ContainerId> found = new LinkedHashSet<>();
    for (List<String> lineage : cgroups.containers(ContainerIds::isValue)) {
      found.add(ContainerId.parse(String.join(".", lineage)));
    }
    return Collections.unmodifiableSet(found);
  }

  private static boolean isValue(String name) {
    try {
      ContainerId.of(name);
      return true;
    } catch (IllegalArgumentException notAnId) {
      return false;
    }
  }
}
