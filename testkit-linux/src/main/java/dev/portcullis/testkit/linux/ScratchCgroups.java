package dev.portcullis.testkit.linux;

import dev.portcullis.linux.MountTable;
import dev.portcullis.linux.Signals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A cgroup root name that belongs to one test, such as {@code portcullis-test-1a2b3c4d}, and the
 * promise that everything under it — in the v1 freezer hierarchy and in the v2 hierarchy, and in
 * every other cgroup hierarchy mounted, where an OCI runtime makes a container's cgroups too — is
 * killed and removed on {@link #close()}, whatever state a failing test left it in.
 *
 * <p>The name is a top-level directory of each hierarchy. It is usually a tracker's {@code
 * cgroups_root}; with a {@linkplain #ScratchCgroups(String) prefix of its own} it can stand for the
 * cgroups another engine makes outside every tracker's root, for a tracker to adopt.
 */
public final class ScratchCgroups implements AutoCloseable {

  /** The prefix of the names {@link #ScratchCgroups()} picks. */
  public static final String PREFIX = "portcullis-test";

  private final String name;
  private final MountTable mounts;

  /**
   * Reads the mount table to find the hierarchies, and picks a fresh name that starts with {@value
   * #PREFIX}. Nothing is created: the tracker under test makes the directories.
   *
   * @throws UncheckedIOException if the mount table cannot be read
   */
  public ScratchCgroups() {
    this(PREFIX);
  }

  /**
   * Reads the mount table to find the hierarchies, and picks a fresh name {@code <prefix>-<8 hex
   * digits>}. Nothing is created.
   *
   * @param prefix the start of the name, such as {@code portcullis-adopt-test}: one directory name,
   *     holding no {@code /}
   * @throws IllegalArgumentException if {@code prefix} is empty or holds a {@code /}
   * @throws UncheckedIOException if the mount table cannot be read
   */
  public ScratchCgroups(String prefix) {
    if (prefix.isEmpty() || prefix.contains("/")) {
      throw new IllegalArgumentException("Not a directory name: '" + prefix + "'");
    }
    name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      mounts = MountTable.read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return the cgroup root name to give a tracker ({@code cgroups_root})} */
  public String name() {
    return name;
  }

  /**
   * {@return this test's directory as a cgroup path relative to a hierarchy's root, {@code
   * /<name>}, as a tracker's {@code adopt} takes it}
   */
  public String cgroup() {
    return "/" + name;
  }

  /** {@return the mount point of the v2 hierarchy, if mounted} */
  public Optional<Path> v2Mount() {
    return mounts.cgroup2().map(MountTable.Mount::mountPoint);
  }

  /** {@return the mount point of the v1 freezer hierarchy, if mounted} */
  public Optional<Path> freezerMount() {
    return mounts.cgroup1("freezer").map(MountTable.Mount::mountPoint);
  }

  /**
   * {@return this test's directory in the v2 hierarchy (it may not exist yet); empty when v2 is not
   * mounted}
   */
  public Optional<Path> v2() {
    return v2Mount().map(m -> m.resolve(name));
  }

  /**
   * {@return this test's directory in the v1 freezer hierarchy (it may not exist yet); empty when
   * the freezer is not mounted}
   */
  public Optional<Path> freezer() {
    return freezerMount().map(m -> m.resolve(name));
  }

  /**
   * {@return this test's directory in every cgroup hierarchy mounted at its root, the freezer and
   * v2 first (they may not exist)}
   */
  public List<Path> everyHierarchy() {
    List<Path> dirs = new ArrayList<>();
    freezer().ifPresent(dirs::add);
    v2().ifPresent(dirs::add);
    for (MountTable.Mount mount : mounts.cgroupHierarchies()) {
      Path dir = mount.mountPoint().resolve(name);
      if (!dirs.contains(dir)) {
        dirs.add(dir);
      }
    }
    return dirs;
  }

  /**
   * {@return every directory below this test's directory, in any hierarchy, as absolute paths in
   * sorted order: what the code under test left behind, the test's directory itself aside}
   */
  public List<String> leftovers() {
    List<String> left = new ArrayList<>();
    for (Path top : everyHierarchy()) {
      if (!Files.isDirectory(top)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(top)) {
        walk.filter(Files::isDirectory)
            .filter(dir -> !dir.equals(top))
            .forEach(dir -> left.add(dir.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    left.sort(null);
    return left;
  }

  /**
   * Kills every process under this test's directories and removes them, bottom-up.
   *
   * <p>The freezer goes first: a process can be in both hierarchies at once (a v1 container whose
   * placements are mirrored into v2), and one left frozen in v1 survives any v2 kill until it is
   * thawed, whereas SIGKILL ends a v2-frozen task at once.
   *
   * @throws IllegalStateException naming the directories that remain after {@link #destroy}'s
   *     retries, in either hierarchy
   */
  @Override
  public void close() {
    List<String> leftovers = new ArrayList<>();
    for (Path dir : everyHierarchy()) {
      leftovers.addAll(destroy(dir));
    }
    if (!leftovers.isEmpty()) {
      throw new IllegalStateException("Could not remove test cgroups: " + leftovers);
    }
  }

  /**
   * Kills and removes a cgroup directory tree, retrying while processes die: each directory is
   * thawed (v1 freezer or v2), its processes are killed (through {@code cgroup.kill}, or with
   * SIGKILL to each one in {@code cgroup.procs}), and the directories are removed deepest first.
   *
   * @param root the top of the tree, removed too; a missing one is nothing to remove
   * @return the directories that could not be removed within about five seconds
   */
  public static List<String> destroy(Path root) {
    for (int attempt = 0; attempt < 500; attempt++) {
      List<Path> dirs = directoriesDeepestFirst(root);
      if (dirs.isEmpty()) {
        return List.of();
      }
      for (Path dir : dirs) {
        thaw(dir);
        killAll(dir);
      }
      for (Path dir : dirs) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException busy) {
          // Processes are still exiting: try again shortly.
        }
      }
      sleep(10);
    }
    return directoriesDeepestFirst(root).stream().map(Path::toString).collect(Collectors.toList());
  }

  private static List<Path> directoriesDeepestFirst(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isDirectory)
          .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
          .collect(Collectors.toList());
    } catch (IOException | UncheckedIOException e) {
      return List.of(root);
    }
  }

  private static void thaw(Path dir) {
    Path state = dir.resolve("freezer.state");
    if (Files.exists(state)) {
      try {
        Files.writeString(state, "THAWED");
      } catch (IOException ignored) {
        // Not a freezer cgroup after all, or gone.
      }
    }
    Path freeze = dir.resolve("cgroup.freeze");
    if (Files.exists(freeze)) {
      try {
        Files.writeString(freeze, "0");
      } catch (IOException ignored) {
        // The root cgroup has no cgroup.freeze; others may be gone.
      }
    }
  }

  private static void killAll(Path dir) {
    Path kill = dir.resolve("cgroup.kill");
    if (Files.exists(kill)) {
      try {
        Files.writeString(kill, "1");
        return;
      } catch (IOException fallBack) {
        // Fall back to signalling each process.
      }
    }
    try {
      for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
        if (!line.isBlank()) {
          Signals.kill(Long.parseLong(line.trim()));
        }
      }
    } catch (NoSuchFileException gone) {
      // Removed meanwhile.
    } catch (IOException ignored) {
      // Retried by the caller.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
