package dev.portcullis.linux;

import dev.portcullis.api.ProviderSettings;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers' cgroups in one hierarchy, in the Mesos layout: under the hierarchy's mount, the
 * subtree {@code <cgroups_root>} that the agent owns holds a top-level container as {@code
 * <cgroups_root>/<id>} and a nested one as {@code <parent's cgroup>/mesos/<child>}.
 *
 * <p>A container is named by its lineage: the values of its ids from the top-level container down.
 * The hierarchy is found, and the {@code <cgroups_root>} directory created, once, on first use; the
 * outcome (the directory, or why there is none) is kept. {@link #find} is the exception: it only
 * looks, for a hierarchy whose cgroups another provider makes.
 *
 * <p>Thread-safe: the settings are fixed at construction, and the mount is found and the probe run
 * once each.
 */
public final class ContainerCgroups {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerCgroups.class);

  /** The {@code --cgroups_root} of Mesos, named for this project. */
  public static final String DEFAULT_ROOT = "portcullis";

  /** The setting that names the agent's subtree in each hierarchy, as in Mesos. */
  public static final String ROOT_SETTING = "cgroups_root";

  /** The setting for the base directory where the hierarchies are mounted, as in Mesos. */
  public static final String HIERARCHY_SETTING = "cgroups_hierarchy";

  /** The directory between a container's cgroup and its nested containers' ones, as in Mesos. */
  public static final String NESTED = "mesos";

  private final Locator locator;
  private final String rootName;
  private final Check check;
  private volatile Location location;
  private volatile Probe probe;

  /** Finds where a hierarchy is mounted. */
  @FunctionalInterface
  public interface Locator {
    /**
     * The mount point of the hierarchy.
     *
     * @throws IOException whose message says what is missing, e.g. "no cgroup2 hierarchy is mounted
     *     (looked in /proc/self/mountinfo)"
     */
    Path mountPoint(MountTable mounts) throws IOException;
  }

  /** A hierarchy-specific test that the containers' root cgroup can do its job. */
  @FunctionalInterface
  public interface Check {
    /**
     * Checks the existing containers' root cgroup.
     *
     * @throws IOException whose message names the path and the problem
     */
    void check(Path containersRoot) throws IOException;
  }

  /** Where the hierarchy is mounted, or why it is not found. */
  private record Location(Path mount, IOException cause) {}

  private record Probe(Path root, IOException cause) {}

  /**
   * The cgroups the provider settings describe: {@value #HIERARCHY_SETTING}, the base directory the
   * hierarchy is looked for under (by default, the mount table alone decides), and {@value
   * #ROOT_SETTING} (default {@value #DEFAULT_ROOT}). Both trackers read their settings here.
   *
   * @param locator finds the hierarchy, under the base when one is given
   * @throws IllegalArgumentException naming the setting when a value is invalid
   */
  public static ContainerCgroups fromSettings(
      ProviderSettings settings, Function<Optional<Path>, Locator> locator, Check check) {
    return new ContainerCgroups(
        locator.apply(checkHierarchyBase(settings.get(HIERARCHY_SETTING))),
        settings.get(ROOT_SETTING).orElse(DEFAULT_ROOT),
        check);
  }

  /**
   * The containers of the hierarchy {@code locator} finds, under {@code rootName} (checked with
   * {@link #checkRootName}).
   */
  public ContainerCgroups(Locator locator, String rootName, Check check) {
    this.locator = locator;
    this.rootName = checkRootName(rootName);
    this.check = check;
  }

  /**
   * Checks a {@code cgroups_root} value: a non-empty relative path with no {@code ..}, so that the
   * agent's subtree stays inside the hierarchy.
   *
   * @return the value, normalized (e.g. without a trailing {@code /})
   * @throws IllegalArgumentException naming the setting and the value
   */
  public static String checkRootName(String value) {
    Path path;
    try {
      path = value == null || value.isBlank() ? null : Path.of(value);
    } catch (InvalidPathException e) {
      throw invalid(ROOT_SETTING, value, "it is not a path (" + e.getReason() + ")");
    }
    if (path == null) {
      throw invalid(ROOT_SETTING, value, "it is empty");
    }
    if (path.isAbsolute()) {
      throw invalid(ROOT_SETTING, value, "it must be relative to the hierarchy's mount point");
    }
    for (Path part : path) {
      if (part.toString().equals("..")) {
        throw invalid(ROOT_SETTING, value, "it may not contain '..'");
      }
    }
    String normalized = path.normalize().toString();
    if (normalized.isEmpty()) {
      throw invalid(ROOT_SETTING, value, "it names the hierarchy's root itself");
    }
    return normalized;
  }

  /**
   * Checks a {@code cgroups_hierarchy} value, if given: an absolute path, as Mesos's default {@code
   * /sys/fs/cgroup} is, since a relative one would depend on the agent's working directory.
   *
   * @return the base directory, normalized; empty when not given
   * @throws IllegalArgumentException naming the setting and the value
   */
  public static Optional<Path> checkHierarchyBase(Optional<String> value) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String text = value.get();
    Path path;
    try {
      path = text.isBlank() ? null : Path.of(text.trim());
    } catch (InvalidPathException e) {
      throw invalid(HIERARCHY_SETTING, text, "it is not a path (" + e.getReason() + ")");
    }
    if (path == null) {
      throw invalid(HIERARCHY_SETTING, text, "it is empty");
    }
    if (!path.isAbsolute()) {
      throw invalid(HIERARCHY_SETTING, text, "it must be an absolute path");
    }
    return Optional.of(path.normalize());
  }

  private static IllegalArgumentException invalid(String setting, String value, String why) {
    return new IllegalArgumentException(
        "Setting '" + setting + "' is invalid: '" + value + "': " + why);
  }

  /**
   * Why the containers' cgroups cannot be used, or empty when they can: the hierarchy is mounted,
   * {@code <mount>/<cgroups_root>} exists (it is created if missing) and is writable, and the
   * hierarchy-specific check passes. Probes once.
   */
  public Optional<Throwable> unavailabilityCause() {
    return Optional.ofNullable(probe().cause());
  }

  /**
   * The containers' root cgroup, {@code <mount>/<cgroups_root>}.
   *
   * @throws IOException the {@linkplain #unavailabilityCause() cause} when it is unavailable
   */
  public Path root() throws IOException {
    Probe result = probe();
    if (result.cause() != null) {
      throw new IOException(
          "The cgroup hierarchy is unavailable: " + result.cause().getMessage(), result.cause());
    }
    return result.root();
  }

  private Probe probe() {
    Probe result = probe;
    if (result == null) {
      synchronized (this) {
        result = probe;
        if (result == null) {
          result = runProbe();
          probe = result;
        }
      }
    }
    return result;
  }

  private Probe runProbe() {
    Path root = null;
    try {
      Location where = location();
      if (where.cause() != null) {
        throw where.cause();
      }
      root = where.mount().resolve(rootName);
      try {
        Files.createDirectories(root);
      } catch (IOException e) {
        throw new IOException("cannot create cgroup " + root + ": " + e, e);
      }
      if (!Files.isWritable(root.resolve(CgroupTree.PROCS))) {
        throw new IOException(
            "cgroup " + root + " is not writable (" + root.resolve(CgroupTree.PROCS) + ")");
      }
      check.check(root);
      LOG.debug("Containers' cgroups live under {}", root);
      return new Probe(root, null);
    } catch (IOException e) {
      LOG.debug("Containers' cgroups are unavailable", e);
      return new Probe(root, e);
    }
  }

  /**
   * The cgroup directory of the container with this lineage (which need not exist).
   *
   * @throws IllegalArgumentException if the lineage is empty or a value is not a plain name
   * @throws IOException if the hierarchy is unavailable
   */
  public Path path(List<String> lineage) throws IOException {
    return layout(root(), lineage);
  }

  /**
   * The container's cgroup if it exists, found without the probe: nothing is created or checked,
   * not even {@code <cgroups_root>}. Only where the hierarchy is mounted is kept; whether the
   * cgroup exists is asked again on every call. This is for a hierarchy whose cgroups another
   * provider makes, which may appear at any time.
   *
   * @return the directory; empty when it does not exist or the hierarchy is not mounted
   * @throws IllegalArgumentException if the lineage is empty or a value is not a plain name
   * @throws IOException if the mount table cannot be read
   */
  public Optional<Path> find(List<String> lineage) throws IOException {
    Location where = location();
    if (where.mount() == null) {
      return Optional.empty();
    }
    Path dir = layout(where.mount().resolve(rootName), lineage);
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? Optional.of(dir) : Optional.empty();
  }

  /**
   * Finds the hierarchy once. A mount table that cannot be read is not kept as the answer: it says
   * nothing about what is mounted, and {@link #find} must not take it for "not mounted".
   */
  private Location location() throws IOException {
    Location result = location;
    if (result == null) {
      synchronized (this) {
        result = location;
        if (result == null) {
          MountTable mounts = MountTable.read();
          try {
            result = new Location(locator.mountPoint(mounts), null);
          } catch (IOException notMounted) {
            LOG.debug("Hierarchy not found: {}", notMounted.getMessage());
            result = new Location(null, notMounted);
          }
          location = result;
        }
      }
    }
    return result;
  }

  private static Path layout(Path root, List<String> lineage) {
    if (lineage.isEmpty()) {
      throw new IllegalArgumentException("A container lineage cannot be empty");
    }
    Path dir = root;
    for (int i = 0; i < lineage.size(); i++) {
      String value = lineage.get(i);
      if (value.isEmpty() || value.contains("/") || value.equals(".") || value.equals("..")) {
        throw new IllegalArgumentException("Not a container id value: '" + value + "'");
      }
      dir = (i == 0 ? dir : dir.resolve(NESTED)).resolve(value);
    }
    return dir;
  }

  /** Whether the container's cgroup exists. */
  public boolean exists(List<String> lineage) throws IOException {
    return Files.isDirectory(path(lineage), LinkOption.NOFOLLOW_LINKS);
  }

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
   * @throws IOException if a directory cannot be listed, or the hierarchy is unavailable
   */
  public List<List<String>> containers(Predicate<String> isContainerName) throws IOException {
    List<List<String>> found = new ArrayList<>();
    Deque<Level> pending = new ArrayDeque<>();
    pending.add(new Level(root(), List.of()));
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
        Path nested = dir.resolve(NESTED);
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

  /**
   * Creates the container's cgroup, and for a nested container the {@code mesos} directory of its
   * parent. Idempotent.
   *
   * @throws IOException if a nested container's parent cgroup does not exist, or mkdir fails
   */
  public void create(List<String> lineage) throws IOException {
    Path dir = path(lineage);
    if (lineage.size() == 1) {
      // The probe made the root, but an operator may have removed it since.
      Files.createDirectories(dir.getParent());
    } else {
      Path parent = path(lineage.subList(0, lineage.size() - 1));
      if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(
            "Cannot create cgroup "
                + dir
                + ": the parent container's cgroup "
                + parent
                + " does not exist");
      }
      mkdir(dir.getParent());
    }
    mkdir(dir);
  }

  private static void mkdir(Path dir) throws IOException {
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
    }
  }

  /**
   * Moves a process into the container's own cgroup.
   *
   * @throws IOException naming the cgroup when it does not exist, or the reason the kernel refused
   */
  public void place(List<String> lineage, long pid) throws IOException {
    CgroupTree.addProcess(path(lineage), pid);
  }

  /** Every process in the container's subtree; empty when it does not exist. */
  public Set<Long> pids(List<String> lineage) throws IOException {
    return CgroupTree.at(path(lineage)).pids();
  }

  /**
   * Removes the container's subtree bottom-up, waiting up to {@code bound} for processes to exit.
   *
   * @throws IOException naming the cgroup and the processes left after the bound
   */
  public void remove(List<String> lineage, Duration bound) throws IOException {
    CgroupTree.at(path(lineage)).remove(bound);
  }
}
