package dev.portcullis.linux;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The top-level containers a tracker has {@linkplain ProcessTracker#adopt adopted}, each with the
 * cgroup it follows outside the containers' root, and the checks an adoption must pass.
 *
 * <p>Thread-safe: the adoptions are a concurrent map, read without a lock; adopting takes this
 * object's lock, so that two adoptions cannot both take one container or one cgroup.
 */
public final class Adoptions {

  private final Map<ContainerId, String> cgroups = new ConcurrentHashMap<>();

  /** No adoption yet. */
  public Adoptions() {}

  /**
   * Adopts {@code container} at {@code cgroup} in the hierarchy of {@code hierarchy}, as {@link
   * ProcessTracker#adopt} says: checked in the order of its exceptions, except that adopting it
   * again at the same cgroup returns at once.
   *
   * @param container a top-level container
   * @param cgroup the cgroup, relative to the hierarchy's root and starting with {@code /}
   * @param hierarchy the tracker's containers' cgroups, for the root to keep clear of and the
   *     hierarchy to look in
   * @throws IllegalArgumentException if the container is nested, or the path is malformed, inside
   *     the containers' root or above it
   * @throws IllegalStateException if the container is adopted elsewhere, the cgroup is adopted for
   *     another container, or the container has a cgroup under the root
   * @throws IOException naming the cgroup's directory when it does not exist, or if the hierarchy
   *     is unavailable
   */
  public void adopt(ContainerId container, String cgroup, ContainerCgroups hierarchy)
      throws IOException {
    if (container.isNested()) {
      throw new IllegalArgumentException(
          "Cannot adopt cgroup "
              + cgroup
              + " for container "
              + container
              + ": only a top-level container can be adopted; a nested one lives in its"
              + " parent's cgroup");
    }
    checkOutsideRoot(cgroup, hierarchy.rootName());
    synchronized (this) {
      String existing = cgroups.get(container);
      if (cgroup.equals(existing)) {
        return;
      }
      if (existing != null) {
        throw new IllegalStateException(
            "Container " + container + " is adopted at " + existing + " already, not " + cgroup);
      }
      for (Map.Entry<ContainerId, String> other : cgroups.entrySet()) {
        if (other.getValue().equals(cgroup)) {
          throw new IllegalStateException(
              "Cgroup " + cgroup + " is adopted for container " + other.getKey() + " already");
        }
      }
      Path own = hierarchy.path(Lineage.own(List.of(container.value())));
      if (Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalStateException(
            "Container " + container + " has a cgroup of the tracker's own, " + own);
      }
      Path dir = hierarchy.directory(cgroup);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new NoSuchFileException(
            dir.toString(),
            null,
            "cannot adopt cgroup " + cgroup + " for container " + container + ": no such cgroup");
      }
      cgroups.put(container, cgroup);
    }
  }

  /**
   * Checks that an adopted cgroup is a well-formed path that neither lies inside the containers'
   * root nor holds it: the tracker's own containers are there, and must not be reached through an
   * adopted one.
   *
   * @param cgroup the cgroup, relative to the hierarchy's root and starting with {@code /}
   * @param rootName the containers' root, relative to the hierarchy's root, normalized, without a
   *     leading {@code /} (such as {@code portcullis})
   * @return {@code cgroup}
   * @throws IllegalArgumentException naming the path and the root when it is malformed, inside the
   *     root or holds it
   */
  public static String checkOutsideRoot(String cgroup, String rootName) {
    ProcessTracker.checkCgroupPath(cgroup);
    String root = "/" + rootName;
    if (cgroup.equals(root) || cgroup.startsWith(root + "/")) {
      throw new IllegalArgumentException(
          "Cannot adopt cgroup "
              + cgroup
              + ": it lies inside the tracker's cgroups root "
              + root
              + ", where its own containers are");
    }
    if (root.startsWith(cgroup + "/")) {
      throw new IllegalArgumentException(
          "Cannot adopt cgroup "
              + cgroup
              + ": it holds the tracker's cgroups root "
              + root
              + ", so its own containers would be part of the adopted one");
    }
    return cgroup;
  }

  /**
   * {@return the cgroup the container is adopted at; empty when it is not, and for a nested one}
   *
   * @param container any container
   */
  public Optional<String> cgroup(ContainerId container) {
    return container.isNested() ? Optional.empty() : Optional.ofNullable(cgroups.get(container));
  }

  /**
   * {@return the container's lineage: adopted when its top-level container is}
   *
   * @param container any container
   */
  public Lineage lineage(ContainerId container) {
    return new Lineage(
        ContainerIds.lineage(container), Optional.ofNullable(cgroups.get(container.root())));
  }

  /**
   * Forgets the container's adoption, if it is still adopted at {@code cgroup}: an adoption made
   * again meanwhile at another cgroup is kept.
   *
   * @param container a top-level container
   * @param cgroup the cgroup it was adopted at
   */
  public void forget(ContainerId container, String cgroup) {
    cgroups.remove(container, cgroup);
  }

  /** Forgets every adoption, as when the tracker's settings change. */
  public void clear() {
    cgroups.clear();
  }
}
