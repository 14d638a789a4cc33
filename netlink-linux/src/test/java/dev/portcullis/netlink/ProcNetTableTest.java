package dev.portcullis.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.netlink.codec.SockDiagQuery;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.Inet4Address;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The /proc/net table parser on crafted text, as little- and big-endian hosts print it. */
class ProcNetTableTest {

  static final SockDiagQuery TCP4 = new SockDiagQuery(AddressFamily.IPV4, Protocol.TCP);
  static final SockDiagQuery TCP6 = new SockDiagQuery(AddressFamily.IPV6, Protocol.TCP);
  static final SockDiagQuery UDP4 = new SockDiagQuery(AddressFamily.IPV4, Protocol.UDP);
  static final SockDiagQuery UDP6 = new SockDiagQuery(AddressFamily.IPV6, Protocol.UDP);

  static final String TCP_HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
          + " inode";
  static final String TCP6_HEADER =
      "  sl  local_address                         remote_address                        st"
          + " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

  /** A line as the kernel prints it, with the trailing columns tcp adds. */
  static String line(int sl, String local, String state, long uid, long inode) {
    String remote = local.length() > 13 ? "0".repeat(32) + ":0000" : "00000000:0000";
    return String.format(
        "%4d: %s %s %s 00000000:00000000 00:00000000 00000000 %5d        0 %d 1"
            + " 000000002d15c104 100 0 0 10 0",
        sl, local, remote, state, uid, inode);
  }

  static List<ListeningSocket> parse(SockDiagQuery table, ByteOrder order, String... lines)
      throws IOException {
    return new ProcNetTable(table, order, "/proc/net/test")
        .parse(new BufferedReader(new StringReader(String.join("\n", lines) + "\n")));
  }

  static List<String> endpoints(List<ListeningSocket> sockets) {
    return sockets.stream().map(s -> s.endpoint() + " " + s.inode()).collect(Collectors.toList());
  }

  @Test
  void ipv4OnALittleEndianHost() throws IOException {
    List<ListeningSocket> sockets =
        parse(
            TCP4,
            ByteOrder.LITTLE_ENDIAN,
            TCP_HEADER,
            line(0, "0100007F:0277", "0A", 0, 22150),
            line(1, "00000000:FFFF", "0A", 1000, 22151),
            line(2, "3500007F:0035", "0A", 101, 22152));
    assertEquals(
        List.of("127.0.0.1:631 22150", "0.0.0.0:65535 22151", "127.0.0.53:53 22152"),
        endpoints(sockets));
    assertEquals(1000, sockets.get(1).uid());
    assertTrue(sockets.get(1).isWildcard());
    assertTrue(sockets.stream().allMatch(s -> s.cgroupId().isEmpty()));
    assertTrue(sockets.stream().allMatch(s -> s.family() == AddressFamily.IPV4));
  }

  @Test
  void ipv4OnABigEndianHost() throws IOException {
    assertEquals(
        List.of("127.0.0.1:631 7", "192.0.2.1:80 8"),
        endpoints(
            parse(
                TCP4,
                ByteOrder.BIG_ENDIAN,
                line(0, "7F000001:0277", "0A", 0, 7),
                line(1, "C0000201:0050", "0A", 0, 8))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
  void ipv6WildcardLoopbackMappedAndLinkLocal(String orderName) throws IOException {
    boolean little = orderName.equals("LITTLE_ENDIAN");
    ByteOrder order = little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    String loopback =
        little ? "00000000000000000000000001000000" : "00000000000000000000000000000001";
    String mapped =
        little ? "0000000000000000FFFF00000100007F" : "00000000000000000000FFFF7F000001";
    String linkLocal =
        little ? "000080FE000000000000000001000000" : "FE800000000000000000000000000001";
    List<ListeningSocket> sockets =
        parse(
            TCP6,
            order,
            TCP6_HEADER,
            line(0, "0".repeat(32) + ":9C41", "0A", 0, 1),
            line(1, loopback + ":9C43", "0A", 0, 2),
            line(2, mapped + ":FFFF", "0A", 0, 3),
            line(3, linkLocal + ":0016", "0A", 0, 4));
    assertEquals(
        List.of("[::]:40001 1", "[::1]:40003 2", "[::ffff:127.0.0.1]:65535 3", "[fe80::1]:22 4"),
        endpoints(sockets));
    assertTrue(sockets.stream().allMatch(s -> s.family() == AddressFamily.IPV6));
    assertInstanceOf(Inet4Address.class, sockets.get(2).address());
  }

  @Test
  void tcpKeepsOnlyListeners() throws IOException {
    assertEquals(
        List.of("127.0.0.1:80 3"),
        endpoints(
            parse(
                TCP4,
                ByteOrder.LITTLE_ENDIAN,
                line(0, "0100007F:0050", "01", 0, 1), // ESTABLISHED
                line(1, "0100007F:0050", "06", 0, 0), // TIME_WAIT: no inode either
                line(2, "0100007F:0050", "0a", 0, 3))));
  }

  @Test
  void udpKeepsOnlyBoundUnconnectedSocketsWithAnInode() throws IOException {
    String udpHeader =
        "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid "
            + " timeout inode ref pointer drops";
    List<ListeningSocket> sockets =
        parse(
            UDP4,
            ByteOrder.LITTLE_ENDIAN,
            udpHeader,
            line(0, "00000000:9C45", "07", 0, 85508),
            line(1, "0100007F:1F90", "01", 0, 9), // connected
            line(2, "00000000:0000", "07", 0, 10), // never bound
            line(3, "0100007F:1F91", "07", 0, 0), // no inode
            "");
    assertEquals(List.of("0.0.0.0:40005 85508"), endpoints(sockets));
    assertEquals(Protocol.UDP, sockets.get(0).protocol());
    List<ListeningSocket> v6 =
        parse(UDP6, ByteOrder.LITTLE_ENDIAN, line(0, "0".repeat(32) + ":0035", "07", 0, 5));
    assertEquals(List.of("[::]:53 5"), endpoints(v6));
  }

  @Test
  void largeUidsAndInodesAreUnsigned() throws IOException {
    ListeningSocket socket =
        parse(
                TCP4,
                ByteOrder.LITTLE_ENDIAN,
                line(0, "0100007F:0050", "0A", 4294967294L, 4294967295L))
            .get(0);
    assertEquals(4294967294L, socket.uid());
    assertEquals(4294967295L, socket.inode());
  }

  @Test
  void malformedLinesNameTheFileTheLineAndTheFault() {
    String[][] cases = {
      {"   0: 0100007F:0050 00000000:0000 0A", "fields"},
      {line(0, "0100007G:0050", "0A", 0, 1), "bad address"},
      {line(0, "0100007F0050", "0A", 0, 1), "no port"},
      {line(0, "100007F:0050", "0A", 0, 1), "7 hex digits"},
      {line(0, "0100007F:50", "0A", 0, 1), "bad port"},
      {line(0, "0100007F:0050", "XA", 0, 1), "bad state"},
      {line(0, "0100007F:0050", "0A", -1, 1), "bad uid"},
      {line(0, "0100007F:0050", "0A", 0, 1).replace(" 1 1 ", " x 1 "), "bad inode"},
    };
    for (String[] c : cases) {
      IOException e =
          assertThrows(
              IOException.class, () -> parse(TCP4, ByteOrder.LITTLE_ENDIAN, TCP_HEADER, c[0]));
      assertTrue(
          e.getMessage().startsWith("Malformed line 2 of /proc/net/test (")
              && e.getMessage().contains(c[1]),
          e.getMessage());
    }
  }

  @Test
  void anIpv6TableNeedsThirtyTwoDigitAddresses() {
    IOException e =
        assertThrows(
            IOException.class,
            () -> parse(TCP6, ByteOrder.LITTLE_ENDIAN, line(0, "0100007F:0050", "0A", 0, 1)));
    assertTrue(e.getMessage().contains("8 hex digits, not 32"), e.getMessage());
  }
}
