package dev.portcullis.linux;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads the Mesos layout back from a containers' root cgroup: which containers exist, for {@link
 * ContainerCgroups#containers}. Walked with as few system calls as the layout allows, since a
 * listing stats every one of a cgroup's dozens of control files.
 */
final class LayoutWalk {

  private LayoutWalk() {}

  /**
   * The lineage of every container whose cgroup exists, read back from the Mesos layout: each
   * directory of {@code <cgroups_root>} is a top-level container, and each directory of a
   * container's {@code mesos} directory is a container nested in it. Any other directory of a
   * container's cgroup is the task's own sub-cgroup, not a container, and is not looked into.
   *
   * <p>A directory whose name {@code isContainerName} refuses is not a container either, and
   * nothing below it is looked into: its nested containers could not be named. Directories removed
   * while the tree is read are left out; symbolic links are never followed. One listing of {@code
   * <cgroups_root>}, one {@code lstat} of each container's {@code mesos} directory, and one listing
   * of each that exists.
   *
   * @param isContainerName whether a directory's name is a valid container id value
   * @return the lineages (values from the top-level container down), each parent before its
   *     children; empty when {@code <cgroups_root>} does not exist
   * @param root the containers' root cgroup, {@code <mount>/<cgroups_root>}
   * @throws IOException if a directory cannot be listed
   */
  static List<List<String>> lineages(Path root, Predicate<String> isContainerName)
      throws IOException {
    List<List<String>> found = new ArrayList<>();
    Deque<Level> pending = new ArrayDeque<>();
    pending.add(new Level(root, List.of()));
    while (!pending.isEmpty()) {
      Level level = pending.poll();
      for (Path dir : subdirectories(level.dir())) {
        String name = dir.getFileName().toString();
        if (!isContainerName.test(name)) {
          continue;
        }
        List<String> lineage = new ArrayList<>(level.parent());
        lineage.add(name);
        lineage = List.copyOf(lineage);
        found.add(lineage);
        Path nested = dir.resolve(ContainerCgroups.NESTED);
        if (Files.isDirectory(nested, LinkOption.NOFOLLOW_LINKS)) {
          pending.add(new Level(nested, lineage));
        }
      }
    }
    return found;
  }

  /** A directory whose subdirectories are containers, each a child of {@code parent}. */
  private record Level(Path dir, List<String> parent) {}

  /** The directories in {@code dir}, by name; empty when it does not exist (any more). */
  private static List<Path> subdirectories(Path dir) throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(dir, e -> Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS))) {
      for (Path entry : entries) {
        dirs.add(entry);
      }
    } catch (NoSuchFileException | NotDirectoryException removed) {
      return List.of();
    } catch (DirectoryIteratorException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw e.getCause();
      }
    }
    dirs.sort(null);
    return dirs;
  }
}
