package dev.portcullis.netlink;

import com.google.auto.service.AutoService;
import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.SocketSource;
import dev.portcullis.linux.ProcessDescriptors;
import dev.portcullis.netlink.codec.SockDiagQuery;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code procfs} socket source: reads {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and
 * {@code udp6}. Pure Java, for hosts where netlink or jnr-ffi is unavailable.
 *
 * <p>The fallback (order 100): it reports no cgroup ids, and the kernel prints these tables a page
 * at a time, so on a busy host a socket can be missed or printed twice between two reads (a
 * duplicate is kept once). It also lists every connection, not only listeners, which makes it slow
 * on hosts with many connections.
 *
 * <p>A missing {@code tcp6}/{@code udp6} file means the kernel runs without IPv6, so there are no
 * IPv6 sockets to report.
 *
 * @since 0.1
 */
@AutoService(SocketSource.class)
public final class ProcNetSocketSource implements SocketSource {

  private final Path procNet;
  private final ByteOrder order;
  private final ProcessDescriptors descriptors;
  private Optional<Throwable> unavailabilityCause; // guarded by this

  /** A source over the host's {@code /proc/net}; does no work until used. */
  public ProcNetSocketSource() {
    this(Paths.get("/proc/net"), ByteOrder.nativeOrder(), new ProcessDescriptors());
  }

  /** A source over a {@code /proc/net}-shaped directory printed by a host of {@code order}. */
  ProcNetSocketSource(Path procNet, ByteOrder order, ProcessDescriptors descriptors) {
    this.procNet = Objects.requireNonNull(procNet, "procNet");
    this.order = Objects.requireNonNull(order, "order");
    this.descriptors = Objects.requireNonNull(descriptors, "descriptors");
  }

  /** {@code procfs}. */
  @Override
  public String name() {
    return "procfs";
  }

  /** 100: a fallback behind {@code netlink}. */
  @Override
  public int order() {
    return 100;
  }

  /** Why {@code /proc/net/tcp} cannot be read and parsed here, or empty; probed once. */
  @Override
  public synchronized Optional<Throwable> unavailabilityCause() {
    if (unavailabilityCause == null) {
      unavailabilityCause = probe();
    }
    return unavailabilityCause;
  }

  /** Elsewhere than on Linux the file is missing, and the cause says so by naming it. */
  private Optional<Throwable> probe() {
    try {
      read(new SockDiagQuery(AddressFamily.IPV4, Protocol.TCP));
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of(e);
    }
  }

  /** The listening sockets of the asked protocols, each once. */
  @Override
  public List<ListeningSocket> listeningSockets(Set<Protocol> protocols) throws IOException {
    Objects.requireNonNull(protocols, "protocols");
    Map<Long, ListeningSocket> byInode = new LinkedHashMap<>();
    for (SockDiagQuery table : SockDiagQuery.ALL) {
      if (protocols.contains(table.protocol())) {
        for (ListeningSocket socket : read(table)) {
          byInode.putIfAbsent(socket.inode(), socket);
        }
      }
    }
    return List.copyOf(byInode.values());
  }

  private List<ListeningSocket> read(SockDiagQuery table) throws IOException {
    Path file = procNet.resolve(fileName(table));
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      return new ProcNetTable(table, order, file.toString()).parse(lines);
    } catch (NoSuchFileException e) {
      if (table.family() == AddressFamily.IPV6) {
        return List.of(); // no IPv6 in this kernel, so no IPv6 sockets
      }
      throw e;
    }
  }

  /** {@code tcp}, {@code tcp6}, {@code udp} or {@code udp6}. */
  static String fileName(SockDiagQuery table) {
    return table.protocol().name().toLowerCase(Locale.ROOT)
        + (table.family() == AddressFamily.IPV6 ? "6" : "");
  }

  /** Reads {@code /proc/<pid>/fd}; see {@link ProcessDescriptors}. */
  @Override
  public Set<Long> socketInodes(long pid) throws IOException {
    return descriptors.socketInodes(pid);
  }

  /** False: {@code /proc/net} does not show cgroups. */
  @Override
  public boolean reportsCgroupIds() {
    return false;
  }

  @Override
  public String toString() {
    return "procfs socket source (" + procNet + ")";
  }
}
