package dev.portcullis.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.linux.ProcessDescriptors;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The procfs source over a crafted {@code /proc/net} and {@code /proc}. */
class ProcNetSocketSourceTest {

  @TempDir Path root;

  private ProcNetSocketSource source() {
    return new ProcNetSocketSource(
        root.resolve("net"), ByteOrder.LITTLE_ENDIAN, new ProcessDescriptors(root));
  }

  private void write(String file, String... lines) throws IOException {
    Files.createDirectories(root.resolve("net"));
    Files.write(root.resolve("net").resolve(file), List.of(lines));
  }

  private void writeAllFour() throws IOException {
    write(
        "tcp",
        ProcNetTableTest.TCP_HEADER,
        ProcNetTableTest.line(0, "0100007F:0050", "0A", 0, 11),
        ProcNetTableTest.line(1, "0100007F:0050", "0A", 0, 11)); // printed twice mid-change
    write(
        "tcp6",
        ProcNetTableTest.TCP6_HEADER,
        ProcNetTableTest.line(0, "0".repeat(32) + ":0050", "0A", 0, 12));
    write(
        "udp", ProcNetTableTest.TCP_HEADER, ProcNetTableTest.line(0, "00000000:0035", "07", 0, 13));
    write(
        "udp6",
        ProcNetTableTest.TCP6_HEADER,
        ProcNetTableTest.line(0, "0".repeat(32) + ":0035", "07", 0, 14));
  }

  private static Set<String> keys(List<ListeningSocket> sockets) {
    return sockets.stream().map(ListeningSocket::toString).collect(Collectors.toSet());
  }

  @Test
  void namesItselfAndRanksBehindNetlink() {
    ProcNetSocketSource source = new ProcNetSocketSource();
    assertEquals("procfs", source.name());
    assertEquals(100, source.order());
    assertFalse(source.reportsCgroupIds());
  }

  @Test
  void readsTheFilesOfTheAskedProtocolsAndKeepsEachSocketOnce() throws IOException {
    writeAllFour();
    ProcNetSocketSource source = source();
    assertEquals(
        Set.of("tcp 127.0.0.1:80 inode 11", "tcp [::]:80 inode 12"),
        keys(source.listeningSockets(EnumSet.of(Protocol.TCP))));
    assertEquals(
        Set.of("udp 0.0.0.0:53 inode 13", "udp [::]:53 inode 14"),
        keys(source.listeningSockets(EnumSet.of(Protocol.UDP))));
    assertEquals(4, source.listeningSockets(EnumSet.allOf(Protocol.class)).size());
    assertEquals(List.of(), source.listeningSockets(Set.of()));
  }

  @Test
  void aHostWithoutIpv6HasNoIpv6Files() throws IOException {
    write(
        "tcp", ProcNetTableTest.TCP_HEADER, ProcNetTableTest.line(0, "0100007F:0050", "0A", 0, 11));
    write("udp", ProcNetTableTest.TCP_HEADER);
    assertEquals(1, source().listeningSockets(EnumSet.allOf(Protocol.class)).size());
  }

  @Test
  void aMissingIpv4FileIsAnError() throws IOException {
    write("tcp6", ProcNetTableTest.TCP6_HEADER);
    assertThrows(
        NoSuchFileException.class, () -> source().listeningSockets(EnumSet.of(Protocol.TCP)));
  }

  @Test
  void theProbeReadsTheTcpTable() throws IOException {
    ProcNetSocketSource missing = source();
    Optional<Throwable> cause = missing.unavailabilityCause();
    assertInstanceOf(NoSuchFileException.class, cause.orElseThrow());
    assertTrue(cause.get().getMessage().endsWith("net/tcp"), cause.get().getMessage());
    assertEquals(cause, missing.unavailabilityCause(), "probed once, remembered");

    write("tcp", ProcNetTableTest.TCP_HEADER, "garbage");
    Throwable malformed = source().unavailabilityCause().orElseThrow();
    assertTrue(malformed.getMessage().contains("Malformed line 2"), malformed.getMessage());

    writeAllFour();
    assertEquals(Optional.empty(), source().unavailabilityCause());
  }

  @Test
  void socketInodesComeFromTheProcessDescriptors() throws IOException {
    Path fds = Files.createDirectories(root.resolve("123").resolve("fd"));
    Files.createSymbolicLink(fds.resolve("3"), Paths.get("socket:[999]"));
    Files.createSymbolicLink(fds.resolve("4"), Paths.get("pipe:[1000]"));
    assertEquals(Set.of(999L), source().socketInodes(123));
    assertEquals(Set.of(), source().socketInodes(456), "a vanished pid holds nothing");
  }
}
