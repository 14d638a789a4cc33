package dev.portcullis.linux;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link ProcessTracker} over one cgroup hierarchy in the Mesos layout, kept by {@link
 * ContainerCgroups}: what the v1 and v2 trackers do alike. It reads the settings {@code
 * cgroups_hierarchy} and {@code cgroups_root} (see {@link ContainerCgroups#fromSettings}), is
 * available when its hierarchy's containers' root is, lists, creates, places into and removes
 * containers' cgroups, and kills a container by repeating a hierarchy's {@linkplain
 * CgroupKiller.Strike strike} until its subtree is empty, within a bound.
 *
 * <p>It {@linkplain #adopt adopts} cgroups outside the root, in its own hierarchy: every method
 * that takes a container resolves it through {@link #lineage}, which knows the adoptions, so that
 * an adopted container and the containers nested in it are found below the adopted cgroup.
 *
 * <p>A subclass says which hierarchy (a {@link ContainerCgroups.Locator} and a {@link
 * ContainerCgroups.Check}), how to strike, and whether it reports cgroup ids. One that keeps a
 * container's processes in a second hierarchy too extends {@link #initialize}, calling it first,
 * and overrides {@link #placed} and {@link #removed}.
 *
 * <p>Thread-safe: the settings are fixed by {@link #initialize}, and the adoptions are kept in a
 * concurrent map ({@link Adoptions}).
 */
public abstract class CgroupProcessTracker implements ProcessTracker {

  /** How long a kill may take by default before it fails naming the survivors. */
  public static final Duration KILL_BOUND = Duration.ofSeconds(10);

  /** How long a removal waits by default for the processes to exit. */
  public static final Duration REMOVE_BOUND = Duration.ofSeconds(5);

  private final String name;
  private final int order;
  private final Function<Optional<Path>, ContainerCgroups.Locator> locator;
  private final ContainerCgroups.Check check;
  private final Duration killBound;
  private final Duration removeBound;
  private volatile ContainerCgroups cgroups;
  private final Adoptions adoptions = new Adoptions();

  /**
   * A tracker with the default settings until {@link #initialize} gives others.
   *
   * @param name the provider's {@linkplain #name() name}
   * @param order the provider's {@linkplain #order() order}
   * @param locator finds the hierarchy, under the {@code cgroups_hierarchy} base when one is given
   * @param check the hierarchy's own test that the containers' root can do its job
   * @param killBound how long a {@link #kill} may take
   * @param removeBound how long a {@link #remove} waits for processes to exit
   */
  protected CgroupProcessTracker(
      String name,
      int order,
      Function<Optional<Path>, ContainerCgroups.Locator> locator,
      ContainerCgroups.Check check,
      Duration killBound,
      Duration removeBound) {
    this.name = name;
    this.order = order;
    this.locator = locator;
    this.check = check;
    this.killBound = killBound;
    this.removeBound = removeBound;
    this.cgroups = ContainerCgroups.fromSettings(ProviderSettings.empty(), locator, check);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int order() {
    return order;
  }

  /**
   * Takes the hierarchy base and the containers' root from the settings, and forgets every
   * adoption: one was checked against the hierarchy and root the settings replace.
   *
   * @throws IllegalArgumentException naming the setting when a value is invalid
   */
  @Override
  public void initialize(ProviderSettings settings) {
    cgroups = ContainerCgroups.fromSettings(settings, locator, check);
    adoptions.clear();
  }

  /** Why the containers' root cannot be used, as {@link ContainerCgroups} probes it once. */
  @Override
  public final Optional<Throwable> unavailabilityCause() {
    return cgroups.unavailabilityCause();
  }

  /**
   * {@return the container's lineage in the layout: adopted when its top-level container is}
   *
   * @param container the container, top-level or nested
   */
  protected final Lineage lineage(ContainerId container) {
    return adoptions.lineage(container);
  }

  /**
   * {@return the container's cgroup directory in this hierarchy, which need not exist}
   *
   * @param container the container, top-level or nested
   * @throws IOException if the hierarchy is unavailable
   */
  protected final Path cgroup(ContainerId container) throws IOException {
    return cgroups.path(lineage(container));
  }

  @Override
  public final Optional<String> cgroupPath(ContainerId container) throws IOException {
    return Optional.of(cgroups.hierarchyPath(lineage(container)));
  }

  @Override
  public final Set<Long> pids(ContainerId container) throws IOException {
    return cgroups.pids(lineage(container));
  }

  @Override
  public final boolean exists(ContainerId container) throws IOException {
    return cgroups.exists(lineage(container));
  }

  /**
   * The containers {@link ContainerCgroups#containers} reads back from the Mesos layout; adopted
   * containers are not among them.
   */
  @Override
  public final Set<ContainerId> containers() throws IOException {
    return ContainerIds.containers(cgroups);
  }

  /**
   * Creates the container's cgroup; of an adopted container, checks that its cgroup still exists.
   *
   * @throws IOException if a nested container's parent cgroup or an adopted cgroup does not exist,
   *     or the cgroup cannot be made
   */
  @Override
  public final void create(ContainerId container) throws IOException {
    cgroups.create(lineage(container));
  }

  /**
   * Moves the process into the container's cgroup, then lets the subclass do more with it ({@link
   * #placed}).
   *
   * @throws IOException naming the cgroup when it does not exist, or the reason the kernel refused
   */
  @Override
  public final void place(ContainerId container, long pid) throws IOException {
    Lineage lineage = lineage(container);
    cgroups.place(lineage, pid);
    placed(lineage, pid);
  }

  /**
   * What a subclass does once {@link #place} has moved a process into the container's cgroup in
   * this hierarchy: nothing by default.
   *
   * @param lineage the container's lineage, adopted when its top-level container is
   * @param pid the process placed
   * @throws IOException if what the subclass does fails; {@link #place} then fails with it
   */
  protected void placed(Lineage lineage, long pid) throws IOException {}

  /**
   * Strikes the container's subtree until it is empty, within the kill bound. An adopted
   * container's whole subtree is struck, and its cgroup left in place.
   *
   * @throws IOException listing the processes still there after the bound
   */
  @Override
  public final void kill(ContainerId container) throws IOException {
    Path cgroup = cgroup(container);
    new CgroupKiller(strike(container, cgroup), killBound).kill(cgroup);
  }

  /**
   * How to kill the processes of {@code cgroup}, the container's subtree. Asked at every kill, so
   * that the choice may depend on what the kernel offers there; the subclass logs its choice.
   *
   * @param container the container being killed
   * @param cgroup the container's cgroup directory, the top of the subtree to kill
   * @return the strike to repeat for this kill
   * @throws IOException if what the kernel offers there cannot be read
   */
  protected abstract CgroupKiller.Strike strike(ContainerId container, Path cgroup)
      throws IOException;

  /**
   * Removes the container's subtree bottom-up, waiting up to the remove bound for its processes,
   * then lets the subclass remove more ({@link #removed}). Of an adopted container only the {@code
   * mesos} directory below its cgroup is removed, never the cgroup; then the adoption is forgotten.
   *
   * @throws IOException naming the cgroup and the processes left after the bound; an adopted
   *     container then stays adopted
   */
  @Override
  public final void remove(ContainerId container) throws IOException {
    Lineage lineage = lineage(container);
    cgroups.remove(lineage, removeBound);
    removed(lineage);
    if (lineage.adopted().isEmpty()) {
      // What an OCI runtime made of the container in the other hierarchies.
      EveryHierarchy.remove(cgroups.hierarchyPath(lineage), removeBound);
    }
    if (lineage.isAdoptedTop()) {
      adoptions.forget(container, lineage.adopted().get());
    }
  }

  /**
   * What a subclass removes once {@link #remove} has removed the container's cgroups in this
   * hierarchy, before an adopted container's adoption is forgotten: nothing by default.
   *
   * @param lineage the container's lineage, adopted when its top-level container is
   * @throws IOException if what the subclass removes cannot be; {@link #remove} then fails with it
   */
  protected void removed(Lineage lineage) throws IOException {}

  /** True: this tracker follows cgroups outside its root, in its own hierarchy. */
  @Override
  public final boolean adoptsCgroups() {
    return true;
  }

  /**
   * Adopts the cgroup as {@link ProcessTracker#adopt} says, looking for it in this tracker's
   * hierarchy.
   *
   * @throws IllegalStateException if the container is adopted at another cgroup, another container
   *     at this one, or the container has a cgroup under the root
   */
  @Override
  public final void adopt(ContainerId container, String cgroup) throws IOException {
    adoptions.adopt(container, cgroup, cgroups);
  }

  @Override
  public final Optional<String> adoptedCgroup(ContainerId container) {
    return adoptions.cgroup(container);
  }

  /**
   * {@return how long a {@link #remove} waits for processes to exit, for a subclass's own removals}
   */
  protected final Duration removeBound() {
    return removeBound;
  }
}
