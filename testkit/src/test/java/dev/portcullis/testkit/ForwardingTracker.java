package dev.portcullis.testkit;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * A process tracker that forwards every call to a fake one, for tests that change one call (a kill
 * that fails, a container that cannot be read, a probe that is counted) and keep the rest.
 */
class ForwardingTracker implements ProcessTracker {

  final FakeProcessTracker delegate;

  ForwardingTracker(FakeProcessTracker delegate) {
    this.delegate = delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public int order() {
    return delegate.order();
  }

  @Override
  public void initialize(ProviderSettings settings) {
    delegate.initialize(settings);
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return delegate.unavailabilityCause();
  }

  @Override
  public boolean reportsCgroupIds() {
    return delegate.reportsCgroupIds();
  }

  @Override
  public Set<Long> cgroupIds(ContainerId container) throws IOException {
    return delegate.cgroupIds(container);
  }

  @Override
  public Set<Long> pids(ContainerId container) throws IOException {
    return delegate.pids(container);
  }

  @Override
  public boolean exists(ContainerId container) throws IOException {
    return delegate.exists(container);
  }

  @Override
  public Set<ContainerId> containers() throws IOException {
    return delegate.containers();
  }

  @Override
  public void create(ContainerId container) throws IOException {
    delegate.create(container);
  }

  @Override
  public void place(ContainerId container, long pid) throws IOException {
    delegate.place(container, pid);
  }

  @Override
  public void kill(ContainerId container) throws IOException {
    delegate.kill(container);
  }

  @Override
  public void remove(ContainerId container) throws IOException {
    delegate.remove(container);
  }

  @Override
  public boolean adoptsCgroups() {
    return delegate.adoptsCgroups();
  }

  @Override
  public void adopt(ContainerId container, String cgroup) throws IOException {
    delegate.adopt(container, cgroup);
  }

  @Override
  public Optional<String> adoptedCgroup(ContainerId container) {
    return delegate.adoptedCgroup(container);
  }
}
