package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.testkit.FakeProcessTracker;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A {@link FakeProcessTracker} that can be told to fail the creation of, or a placement into,
 * chosen containers, as a host out of cgroups or a process that vanished would, or to be a tracker
 * that cannot adopt cgroups outside its root.
 */
final class FaultyTracker implements ProcessTracker {

  private final FakeProcessTracker tracker;
  private Predicate<ContainerId> failCreate = container -> false;
  private Predicate<ContainerId> failPlace = container -> false;
  private boolean adopts = true;

  private final Crashes crashes;

  FaultyTracker(FakeProcessTracker tracker, Crashes crashes) {
    this.tracker = tracker;
    this.crashes = crashes;
  }

  /** Makes every creation of a container that {@code which} accepts fail. */
  void failCreate(Predicate<ContainerId> which) {
    this.failCreate = which;
  }

  /** Makes every placement into a container that {@code which} accepts fail. */
  void failPlace(Predicate<ContainerId> which) {
    this.failPlace = which;
  }

  /** Makes this a tracker that cannot follow a cgroup outside its root, as the default SPI's. */
  void cannotAdopt() {
    this.adopts = false;
  }

  @Override
  public String name() {
    return tracker.name();
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
  public Set<Long> pids(ContainerId container) {
    return tracker.pids(container);
  }

  @Override
  public boolean exists(ContainerId container) {
    return tracker.exists(container);
  }

  @Override
  public Set<ContainerId> containers() {
    return tracker.containers();
  }

  @Override
  public void create(ContainerId container) throws IOException {
    if (failCreate.test(container)) {
      throw new IOException("no space left to create the cgroup of " + container);
    }
    tracker.create(container);
  }

  @Override
  public void place(ContainerId container, long pid) throws IOException {
    if (failPlace.test(container)) {
      throw new IOException("no such process");
    }
    tracker.place(container, pid);
  }

  @Override
  public void kill(ContainerId container) {
    crashes.step("killing " + container);
    tracker.kill(container);
  }

  @Override
  public void remove(ContainerId container) throws IOException {
    tracker.remove(container);
  }

  @Override
  public Optional<String> cgroupPath(ContainerId container) throws IOException {
    return tracker.cgroupPath(container);
  }

  @Override
  public boolean adoptsCgroups() {
    return adopts && tracker.adoptsCgroups();
  }

  @Override
  public void adopt(ContainerId container, String cgroup) throws IOException {
    if (adopts) {
      tracker.adopt(container, cgroup);
    } else {
      ProcessTracker.super.adopt(container, cgroup);
    }
  }

  @Override
  public Optional<String> adoptedCgroup(ContainerId container) {
    return tracker.adoptedCgroup(container);
  }
}
