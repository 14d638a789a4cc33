package dev.portcullis.testkit;

import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.SocketHolders;
import dev.portcullis.api.SocketSource;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A socket source that forwards every call to a fake one, for tests that change one call (a
 * snapshot that races an update, holders that cannot be read) and keep the rest.
 */
class ForwardingSource implements SocketSource {

  final FakeSocketSource delegate;

  ForwardingSource(FakeSocketSource delegate) {
    this.delegate = delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return delegate.unavailabilityCause();
  }

  @Override
  public List<ListeningSocket> listeningSockets(Set<Protocol> protocols) throws IOException {
    return delegate.listeningSockets(protocols);
  }

  @Override
  public Set<Long> socketInodes(long pid) {
    return delegate.socketInodes(pid);
  }

  @Override
  public boolean reportsCgroupIds() {
    return delegate.reportsCgroupIds();
  }

  @Override
  public Optional<SocketHolders> socketHolders() throws IOException {
    return delegate.socketHolders();
  }
}
