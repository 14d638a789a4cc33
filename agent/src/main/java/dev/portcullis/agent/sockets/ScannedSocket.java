package dev.portcullis.agent.sockets;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of {@code portcullis scan}: a listening socket, the container that owns it and the
 * processes that hold it.
 *
 * @param socket the socket, as the socket source saw it
 * @param container the container whose cgroup holds the processes holding the socket; empty when
 *     none of them is in a container
 * @param pids the processes holding a descriptor of the socket, ascending; empty when none could be
 *     found (they exited, or their descriptors could not be read)
 */
record ScannedSocket(ListeningSocket socket, Optional<ContainerId> container, List<Long> pids) {

  /** By protocol, port, address (IPv4 before IPv6, then by bytes), then inode. */
  static final Comparator<ScannedSocket> ORDER =
      Comparator.<ScannedSocket, Protocol>comparing(s -> s.socket().protocol())
          .thenComparingInt(s -> s.socket().port())
          .thenComparing(s -> s.socket().family())
          .thenComparing(
              s -> s.socket().address().getAddress(), (a, b) -> Arrays.compareUnsigned(a, b))
          .thenComparingLong(s -> s.socket().inode());

  ScannedSocket {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(container, "container");
    pids = List.copyOf(pids);
  }
}
