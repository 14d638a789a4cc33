package dev.portcullis.cgroups.v1;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A freezer tracker on a host where every top-level container gets a port guard: {@link #create}
 * also makes the container's v2 directory, as a guard's install does before the first process is
 * placed, so that the shared contracts run with every placement mirrored. Nested containers get
 * none, as guards cover them from their root.
 */
final class GuardedFreezerTracker implements ProcessTracker {

  private final FreezerProcessTracker tracker;
  private final Path v2Root;

  /** Guards under {@code v2Root}, the scratch root's directory in the v2 hierarchy. */
  GuardedFreezerTracker(FreezerProcessTracker tracker, Path v2Root) {
    this.tracker = tracker;
    this.v2Root = v2Root;
  }

  @Override
  public void create(ContainerId container) throws IOException {
    tracker.create(container);
    if (!container.isNested()) {
      Files.createDirectories(v2Root.resolve(container.value()));
    }
  }

  @Override
  public String name() {
    return tracker.name();
  }

  @Override
  public int order() {
    return tracker.order();
  }

  @Override
  public void initialize(ProviderSettings settings) {
    tracker.initialize(settings);
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return tracker.unavailabilityCause();
  }

  @Override
  public boolean reportsCgroupIds() {
    return tracker.reportsCgroupIds();
  }

  @Override
  public Set<Long> cgroupIds(ContainerId container) {
    return tracker.cgroupIds(container);
  }

  @Override
  public Set<Long> pids(ContainerId container) throws IOException {
    return tracker.pids(container);
  }

  @Override
  public boolean exists(ContainerId container) throws IOException {
    return tracker.exists(container);
  }

  @Override
  public Set<ContainerId> containers() throws IOException {
    return tracker.containers();
  }

  @Override
  public void place(ContainerId container, long pid) throws IOException {
    tracker.place(container, pid);
  }

  @Override
  public void kill(ContainerId container) throws IOException {
    tracker.kill(container);
  }

  @Override
  public void remove(ContainerId container) throws IOException {
    tracker.remove(container);
  }
}
