package dev.portcullis.testkit;

import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.SocketHolders;
import dev.portcullis.api.SocketSource;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link SocketSource} over a {@link HostModel}, with or without cgroup ids, reading {@linkplain
 * #socketHolders() holders} or not, that can be told to fail its next snapshots.
 *
 * @since 0.1
 */
public final class FakeSocketSource implements SocketSource {

  /** The provider name of every fake socket source. */
  public static final String NAME = "testkit";

  private final HostModel host;
  private final boolean reportsCgroupIds;
  private final boolean readsHolders;
  private final Deque<IOException> failures = new ArrayDeque<>();
  private int snapshots;

  /**
   * @param host the host to report
   * @param reportsCgroupIds whether sockets carry the creating cgroup's id, like netlink does
   */
  public FakeSocketSource(HostModel host, boolean reportsCgroupIds) {
    this(host, reportsCgroupIds, false);
  }

  /**
   * @param host the host to report
   * @param reportsCgroupIds whether sockets carry the creating cgroup's id, like netlink does
   * @param readsHolders whether {@link #socketHolders()} answers, as netlink's BPF iterator does
   * @since 0.4
   */
  public FakeSocketSource(HostModel host, boolean reportsCgroupIds, boolean readsHolders) {
    this.host = host;
    this.reportsCgroupIds = reportsCgroupIds;
    this.readsHolders = readsHolders;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    return Optional.empty();
  }

  /**
   * Makes the next snapshot throw {@code failure}; queued failures are used in order, one snapshot
   * each, and the snapshots after them succeed again.
   *
   * @param failure what a coming snapshot throws
   * @return this source, for chaining
   */
  public synchronized FakeSocketSource failNextSnapshot(IOException failure) {
    failures.add(failure);
    return this;
  }

  /** {@return how many snapshots were asked for, failed ones included} */
  public synchronized int snapshots() {
    return snapshots;
  }

  @Override
  public synchronized List<ListeningSocket> listeningSockets(Set<Protocol> protocols)
      throws IOException {
    snapshots++;
    IOException failure = failures.poll();
    if (failure != null) {
      throw failure;
    }
    return host.listeningSockets(protocols, reportsCgroupIds);
  }

  @Override
  public Set<Long> socketInodes(long pid) {
    return host.inodesOf(pid);
  }

  /** {@return the host's holders, when this source reads them; empty otherwise} */
  @Override
  public Optional<SocketHolders> socketHolders() {
    return readsHolders ? Optional.of(host.socketHolders()) : Optional.empty();
  }

  @Override
  public boolean reportsCgroupIds() {
    return reportsCgroupIds;
  }
}
