package dev.portcullis.linux;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
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
 * A {@link Lineage} may also say that its top-level container was adopted at a cgroup outside
 * {@code <cgroups_root>}: that cgroup is then the top-level container's, its nested containers are
 * below it in the same way, and the adopted cgroup itself is never created or removed here. The
 * hierarchy is found, and the {@code <cgroups_root>} directory created, once, on first use; the
 * outcome (the directory, or why there is none) is kept. {@link #find} is the exception: it only
 * looks, for a hierarchy whose cgroups another provider makes.
 *
 * <p>Thread-safe: the settings are fixed at construction, and the mount is found and the probe run
 * once each.
 */
public final class ContainerCgroups {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerCgroups.class);

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
     * {@return the mount point of the hierarchy}
     *
     * @param mounts the mount table to look in
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
     * @param containersRoot the containers' root cgroup, {@code <mount>/<cgroups_root>}, which
     *     exists and whose {@code cgroup.procs} is writable
     * @throws IOException whose message names the path and the problem
     */
    void check(Path containersRoot) throws IOException;
  }

  /** Where the hierarchy is mounted, or why it is not found. */
  private record Location(Path mount, IOException cause) {}

  private record Probe(Path root, IOException cause) {}

  /**
   * The cgroups the provider settings describe ({@link CgroupSettings}): the base directory the
   * hierarchy is looked for under, and the containers' root in it. Every provider that works on the
   * containers' cgroups reads its settings here.
   *
   * @param settings the provider's settings, read for {@value CgroupSettings#HIERARCHY_SETTING} and
   *     {@code cgroups_root}
   * @param locator finds the hierarchy, under the base when one is given
   * @param check the hierarchy's own test that the containers' root can do its job
   * @return the containers' cgroups; nothing is read from the host until they are first used
   * @throws IllegalArgumentException naming the setting when a value is invalid
   */
  public static ContainerCgroups fromSettings(
      ProviderSettings settings, Function<Optional<Path>, Locator> locator, Check check) {
    return new ContainerCgroups(
        locator.apply(CgroupSettings.hierarchyBase(settings)),
        CgroupSettings.rootName(settings),
        check);
  }

  /**
   * The containers of the hierarchy {@code locator} finds, under {@code rootName} (checked with
   * {@link CgroupSettings#checkRootName}). Nothing is read from the host until they are first used.
   *
   * @param locator finds the hierarchy
   * @param rootName the containers' root, relative to the hierarchy's mount point
   * @param check the hierarchy's own test that the containers' root can do its job
   * @throws IllegalArgumentException naming the setting when {@code rootName} is invalid
   */
  public ContainerCgroups(Locator locator, String rootName, Check check) {
    this.locator = locator;
    this.rootName = CgroupSettings.checkRootName(rootName);
    this.check = check;
  }

  /**
   * {@return why the containers' cgroups cannot be used, or empty when they can} They can when the
   * hierarchy is mounted, {@code <mount>/<cgroups_root>} exists (it is created if missing) and is
   * writable, and the hierarchy-specific check passes. Probes once.
   */
  public Optional<Throwable> unavailabilityCause() {
    return Optional.ofNullable(probe().cause());
  }

  /**
   * {@return the containers' root as the settings give it, normalized, relative to the hierarchy's
   * mount point (such as {@code portcullis})}
   */
  public String rootName() {
    return rootName;
  }

  /**
   * {@return the containers' root cgroup, {@code <mount>/<cgroups_root>}}
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
   * {@return the cgroup directory of the container with this lineage (which need not exist)}
   *
   * @param lineage the container's values from the top-level container down
   * @throws IllegalArgumentException if the lineage is empty or a value is not a plain name
   * @throws IOException if the hierarchy is unavailable
   */
  public Path path(List<String> lineage) throws IOException {
    return path(Lineage.own(lineage));
  }

  /**
   * {@return the cgroup directory of the container with this lineage (which need not exist)}: in
   * the Mesos layout under the root, or below the cgroup its top-level container was adopted at
   *
   * @param lineage the container's lineage
   * @throws IllegalArgumentException if a value is not a plain name
   * @throws IOException if the hierarchy is unavailable
   */
  public Path path(Lineage lineage) throws IOException {
    return layout(mount(), lineage);
  }

  /**
   * {@return the directory of a cgroup given relative to the hierarchy's root (which need not
   * exist)}, such as an adopted one
   *
   * @param cgroup the cgroup's path as {@link dev.portcullis.api.ProcessTracker#checkCgroupPath}
   *     accepts it, such as {@code /libpod_parent/libpod-abc}
   * @throws IllegalArgumentException if {@code cgroup} is not such a path
   * @throws IOException if the hierarchy is unavailable
   */
  public Path directory(String cgroup) throws IOException {
    return adopted(mount(), cgroup);
  }

  /** The hierarchy's mount point, once the probe has found the containers' root usable. */
  private Path mount() throws IOException {
    root();
    return location().mount();
  }

  private static Path adopted(Path mount, String cgroup) {
    return mount.resolve(ProcessTracker.checkCgroupPath(cgroup).substring(1));
  }

  /**
   * {@return the cgroup of the container with this lineage as a path from the hierarchy's root,
   * starting with {@code /} (which need not exist)} What an OCI runtime's {@code linux.cgroupsPath}
   * names.
   *
   * @param lineage the container's lineage, adopted when its top-level container is
   * @throws IOException if the hierarchy is unavailable
   */
  public String hierarchyPath(Lineage lineage) throws IOException {
    Path dir = path(lineage);
    return "/" + location().mount().relativize(dir);
  }

  /**
   * The container's cgroup if it exists, found without the probe: nothing is created or checked,
   * not even {@code <cgroups_root>}. Only where the hierarchy is mounted is kept; whether the
   * cgroup exists is asked again on every call. This is for a hierarchy whose cgroups another
   * provider makes, which may appear at any time.
   *
   * @param lineage the container's values from the top-level container down
   * @return the directory; empty when it does not exist or the hierarchy is not mounted
   * @throws IllegalArgumentException if the lineage is empty or a value is not a plain name
   * @throws IOException if the mount table cannot be read
   */
  public Optional<Path> find(List<String> lineage) throws IOException {
    return find(Lineage.own(lineage));
  }

  /**
   * The container's cgroup if it exists, found without the probe, as {@link #find(List)} does; for
   * a container of an adopted one, below the adopted cgroup's directory in this hierarchy.
   *
   * @param lineage the container's lineage
   * @return the directory; empty when it does not exist or the hierarchy is not mounted
   * @throws IllegalArgumentException if a value is not a plain name
   * @throws IOException if the mount table cannot be read
   */
  public Optional<Path> find(Lineage lineage) throws IOException {
    Location where = location();
    if (where.mount() == null) {
      return Optional.empty();
    }
    Path dir = layout(where.mount(), lineage);
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

  /**
   * The directory of the container with this lineage under {@code top}: for the tracker's own
   * containers {@code top} is {@code <cgroups_root>} and holds the top-level container's cgroup;
   * for an adopted one it is the top-level container's cgroup itself.
   */
  private static Path layout(Path top, List<String> lineage, boolean adopted) {
    if (lineage.isEmpty()) {
      throw new IllegalArgumentException("A container lineage cannot be empty");
    }
    Path dir = top;
    for (int i = 0; i < lineage.size(); i++) {
      String value = lineage.get(i);
      if (value.isEmpty() || value.contains("/") || value.equals(".") || value.equals("..")) {
        throw new IllegalArgumentException("Not a container id value: '" + value + "'");
      }
      if (i > 0) {
        dir = dir.resolve(NESTED).resolve(value);
      } else if (!adopted) {
        dir = dir.resolve(value);
      }
    }
    return dir;
  }

  /** The container's directory in the hierarchy mounted at {@code mount}. */
  private Path layout(Path mount, Lineage lineage) {
    Optional<String> adopted = lineage.adopted();
    return adopted.isPresent()
        ? layout(adopted(mount, adopted.get()), lineage.values(), true)
        : layout(mount.resolve(rootName), lineage.values(), false);
  }

  /**
   * {@return whether the container's cgroup exists}
   *
   * @param lineage the container's values from the top-level container down
   * @throws IllegalArgumentException if the lineage is empty or a value is not a plain name
   * @throws IOException if the hierarchy is unavailable
   */
  public boolean exists(List<String> lineage) throws IOException {
    return exists(Lineage.own(lineage));
  }

  /**
   * {@return whether the container's cgroup exists}
   *
   * @param lineage the container's lineage
   * @throws IllegalArgumentException if a value is not a plain name
   * @throws IOException if the hierarchy is unavailable
   */
  public boolean exists(Lineage lineage) throws IOException {
    return Files.isDirectory(path(lineage), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * The lineage of every container whose cgroup exists, read back from the Mesos layout: each
   * directory of {@code <cgroups_root>} is a top-level container, and each directory of a
   * container's {@code mesos} directory is a container nested in it, unless {@code isContainerName}
   * refuses its name (a task's own sub-cgroups); nothing below a refused directory is looked into.
   * Directories removed while the tree is read are left out; symbolic links are never followed.
   *
   * @param isContainerName whether a directory's name is a valid container id value
   * @return the lineages (values from the top-level container down), each parent before its
   *     children; empty when {@code <cgroups_root>} does not exist
   * @throws IOException if a directory cannot be listed, or the hierarchy is unavailable
   */
  public List<List<String>> containers(Predicate<String> isContainerName) throws IOException {
    return LayoutWalk.lineages(root(), isContainerName);
  }

  /**
   * Creates the container's cgroup, and for a nested container the {@code mesos} directory of its
   * parent. Idempotent. A top-level container's {@code <cgroups_root>} is created again if it was
   * removed since the probe.
   *
   * @param lineage the container's values from the top-level container down
   * @throws IllegalArgumentException if the lineage is empty or a value is not a plain name
   * @throws IOException if a nested container's parent cgroup does not exist, or mkdir fails
   */
  public void create(List<String> lineage) throws IOException {
    create(Lineage.own(lineage));
  }

  /**
   * Creates the container's cgroup as {@link #create(List)} does; an adopted top-level container's
   * cgroup is never created, only checked, and a container nested in it is created below it.
   *
   * @param lineage the container's lineage
   * @throws IllegalArgumentException if a value is not a plain name
   * @throws IOException if a nested container's parent cgroup or an adopted cgroup does not exist,
   *     or mkdir fails
   */
  public void create(Lineage lineage) throws IOException {
    Path dir = path(lineage);
    if (lineage.isAdoptedTop()) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new NoSuchFileException(
            dir.toString(),
            null,
            "the adopted cgroup "
                + lineage.adopted().get()
                + " does not exist (any more); an adopted cgroup is never created");
      }
      return;
    }
    if (lineage.depth() == 1) {
      // The probe made the root, but an operator may have removed it since.
      Files.createDirectories(dir.getParent());
    } else {
      Path parent = path(lineage.ancestor(lineage.depth() - 1));
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
   * @param lineage the container's values from the top-level container down
   * @param pid the process to move
   * @throws IOException naming the cgroup when it does not exist, or the reason the kernel refused
   */
  public void place(List<String> lineage, long pid) throws IOException {
    place(Lineage.own(lineage), pid);
  }

  /**
   * Moves a process into the container's own cgroup.
   *
   * @param lineage the container's lineage
   * @param pid the process to move
   * @throws IOException naming the cgroup when it does not exist, or the reason the kernel refused
   */
  public void place(Lineage lineage, long pid) throws IOException {
    CgroupTree.addProcess(path(lineage), pid);
  }

  /**
   * {@return every process in the container's subtree, ascending; empty when it does not exist}
   *
   * @param lineage the container's values from the top-level container down
   * @throws IOException if the hierarchy is unavailable or the subtree cannot be read
   */
  public Set<Long> pids(List<String> lineage) throws IOException {
    return pids(Lineage.own(lineage));
  }

  /**
   * {@return every process in the container's subtree, ascending; empty when it does not exist}
   *
   * @param lineage the container's lineage
   * @throws IOException if the hierarchy is unavailable or the subtree cannot be read
   */
  public Set<Long> pids(Lineage lineage) throws IOException {
    return CgroupTree.at(path(lineage)).pids();
  }

  /**
   * Removes the container's subtree bottom-up, waiting up to {@code bound} for processes to exit. A
   * subtree that does not exist is already removed.
   *
   * @param lineage the container's values from the top-level container down
   * @param bound how long to wait for the subtree's processes to exit
   * @throws IOException naming the cgroup and the processes left after the bound
   */
  public void remove(List<String> lineage, Duration bound) throws IOException {
    remove(Lineage.own(lineage), bound);
  }

  /**
   * Removes the container's subtree bottom-up as {@link #remove(List, Duration)} does, but for an
   * adopted top-level container only its {@code mesos} directory, which holds its nested
   * containers: the adopted cgroup, and whatever else its engine made in it, are left.
   *
   * @param lineage the container's lineage
   * @param bound how long to wait for the subtree's processes to exit
   * @throws IOException naming the cgroup and the processes left after the bound
   */
  public void remove(Lineage lineage, Duration bound) throws IOException {
    CgroupTree.at(removable(path(lineage), lineage)).remove(bound);
  }

  /**
   * Removes the container's subtree, as {@link #remove(Lineage, Duration)} does, if {@link
   * #find(Lineage)} finds it: for a hierarchy whose cgroups another provider makes.
   *
   * @param lineage the container's lineage
   * @param bound how long to wait for the subtree's processes to exit
   * @throws IOException naming the cgroup and the processes left after the bound, or if the mount
   *     table cannot be read
   */
  public void removeFound(Lineage lineage, Duration bound) throws IOException {
    Optional<Path> dir = find(lineage);
    if (dir.isPresent()) {
      CgroupTree.at(removable(dir.get(), lineage)).remove(bound);
    }
  }

  /** The top of what removing the container at {@code dir} removes. */
  private static Path removable(Path dir, Lineage lineage) {
    return lineage.isAdoptedTop() ? dir.resolve(NESTED) : dir;
  }
}
