package dev.portcullis.api;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Tells what is listening on this host.
 *
 * <p>A scan asks for one {@linkplain #listeningSockets(Set) snapshot} of the whole host, then asks
 * which socket inodes particular processes hold. Implementations are used from one scan thread at a
 * time, but must tolerate being called from different threads over their lifetime.
 *
 * <p>Found through {@link java.util.ServiceLoader}; see {@link Provider} for the lifecycle.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface SocketSource extends Provider {

  /**
   * {@return every listening socket on the host, IPv4 and IPv6, of the asked protocols: TCP sockets
   * in the LISTEN state and bound, unconnected UDP sockets} Wildcard and dual-stack sockets are
   * included; each socket appears once. The list is a snapshot; its order is unspecified.
   *
   * @param protocols the protocols to include, not empty
   * @throws IOException if the snapshot cannot be taken whole; never a partial answer
   */
  List<ListeningSocket> listeningSockets(Set<Protocol> protocols) throws IOException;

  /**
   * {@return the inodes of the sockets the process holds open, of any kind} A process that has
   * exited holds none; a descriptor that closes while it is read is left out, the others are
   * returned.
   *
   * @param pid the process whose descriptors are read
   * @throws IOException if the process exists but its descriptors cannot be read at all
   */
  Set<Long> socketInodes(long pid) throws IOException;

  /**
   * {@return whether the sockets of {@link #listeningSockets(Set)} carry {@link
   * ListeningSocket#cgroupId()}, which lets a scan attribute them without reading descriptors}
   */
  boolean reportsCgroupIds();

  /**
   * {@return the socket descriptors of every process on the host, read at once, each with the
   * cgroup v2 id of the process holding it; empty when this source cannot read them so, as in this
   * default}
   *
   * <p>What it promises, where it answers: every process the host's pid namespace holds that had a
   * socket descriptor open throughout the read is in it, with every such descriptor; a process that
   * starts, exits or changes cgroup meanwhile may or may not be; pids are the host's. A scan that
   * gets an answer attributes sockets by their holders' cgroup ids, as exactly as reading each
   * container's processes and their descriptors, without reading either; a source that cannot
   * answer leaves it to {@link #socketInodes(long)}, one process at a time.
   *
   * @throws IOException if the source can read holders at all but this read failed; never a partial
   *     answer
   * @since 0.4
   */
  @Stability(Stability.Level.EXPERIMENTAL)
  default Optional<SocketHolders> socketHolders() throws IOException {
    return Optional.empty();
  }
}
