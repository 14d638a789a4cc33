package dev.portcullis.linux;

import java.util.List;
import java.util.Optional;

/**
 * Where a container's cgroup is in a hierarchy's layout: the values of its ids from the top-level
 * container down, and, when the top-level container was adopted, the cgroup it was adopted at. A
 * top-level container's cgroup is then that cgroup rather than {@code <cgroups_root>/<id>}; its
 * nested containers are below it, in {@code mesos} directories, either way.
 *
 * @param values the container's values from the top-level container down; not empty
 * @param adopted the cgroup the top-level container was adopted at, relative to the hierarchy's
 *     root and starting with {@code /}; empty for the tracker's own containers
 */
public record Lineage(List<String> values, Optional<String> adopted) {

  /**
   * Copies the values.
   *
   * @param values the container's values from the top-level container down; not empty
   * @param adopted the cgroup the top-level container was adopted at; empty for the tracker's own
   * @throws IllegalArgumentException if {@code values} is empty
   */
  public Lineage {
    values = List.copyOf(values);
    if (values.isEmpty()) {
      throw new IllegalArgumentException("A container lineage cannot be empty");
    }
  }

  /**
   * {@return the lineage of a container under the tracker's root, in the Mesos layout}
   *
   * @param values the container's values from the top-level container down; not empty
   */
  public static Lineage own(List<String> values) {
    return new Lineage(values, Optional.empty());
  }

  /** {@return how many containers the lineage holds: 1 for a top-level container} */
  public int depth() {
    return values.size();
  }

  /**
   * {@return the lineage of the container's ancestor at {@code depth}, or of the container itself
   * at its own depth; adopted as the container is}
   *
   * @param depth from 1, the top-level container, to {@link #depth()}
   */
  public Lineage ancestor(int depth) {
    return new Lineage(values.subList(0, depth), adopted);
  }

  /**
   * {@return whether this is an adopted top-level container, whose cgroup the tracker did not make}
   */
  public boolean isAdoptedTop() {
    return adopted.isPresent() && values.size() == 1;
  }
}
