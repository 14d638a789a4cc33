package dev.portcullis.netlink.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.Protocol;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class InetDiagRequestTest {

  private static final String ZERO_SOCKID = "00".repeat(48);

  private static byte[] encode(SockDiagQuery query, int sequence, ByteOrder order) {
    ByteBuffer out = ByteBuffer.allocate(InetDiagRequest.LENGTH).order(order);
    InetDiagRequest.encode(query, sequence, out);
    assertEquals(InetDiagRequest.LENGTH, out.position());
    return out.array();
  }

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replace(" ", ""));
  }

  @Test
  void isA16ByteHeaderAndA56ByteInetDiagReqV2() {
    assertEquals(72, InetDiagRequest.LENGTH);
  }

  @Test
  void tcpIpv4LittleEndianIsByteExact() {
    byte[] expected =
        hex(
            "48000000" // nlmsg_len 72
                + "1400" // nlmsg_type SOCK_DIAG_BY_FAMILY
                + "0103" // nlmsg_flags NLM_F_REQUEST | NLM_F_DUMP
                + "04030201" // nlmsg_seq
                + "00000000" // nlmsg_pid: the kernel
                + "02" // sdiag_family AF_INET
                + "06" // sdiag_protocol IPPROTO_TCP
                + "00" // idiag_ext
                + "00" // pad
                + "00040000" // idiag_states 1 << TCP_LISTEN
                + ZERO_SOCKID);
    assertArrayEquals(
        expected,
        encode(
            new SockDiagQuery(AddressFamily.IPV4, Protocol.TCP),
            0x01020304,
            ByteOrder.LITTLE_ENDIAN));
  }

  @Test
  void udpIpv6BigEndianIsByteExact() {
    byte[] expected =
        hex(
            "00000048"
                + "0014"
                + "0301"
                + "01020304"
                + "00000000"
                + "0a" // AF_INET6
                + "11" // IPPROTO_UDP
                + "0000"
                + "00000080" // 1 << TCP_CLOSE: bound, unconnected
                + ZERO_SOCKID);
    assertArrayEquals(
        expected,
        encode(
            new SockDiagQuery(AddressFamily.IPV6, Protocol.UDP), 0x01020304, ByteOrder.BIG_ENDIAN));
  }

  @Test
  void everyQueryNamesItsFamilyProtocolAndState() {
    for (SockDiagQuery query : SockDiagQuery.ALL) {
      byte[] bytes = encode(query, 7, ByteOrder.LITTLE_ENDIAN);
      assertEquals(query.familyNumber(), bytes[16]);
      assertEquals(query.protocolNumber(), bytes[17]);
      assertEquals(
          query.protocol() == Protocol.TCP ? 1 << 10 : 1 << 7,
          ByteBuffer.wrap(bytes, 20, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }
  }

  @Test
  void writesAtThePositionAndLeavesTheRestAlone() {
    ByteBuffer out = ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN);
    out.put(0, (byte) 0x77).put(99, (byte) 0x66).position(8);
    InetDiagRequest.encode(SockDiagQuery.ALL.get(0), 1, out);
    assertEquals(80, out.position());
    assertEquals(0x77, out.get(0));
    assertEquals(72, out.getInt(8));
    assertEquals(0x66, out.get(99));
  }

  @Test
  void refusesABufferTooSmall() {
    ByteBuffer out = ByteBuffer.allocate(71);
    assertThrows(
        BufferOverflowException.class,
        () -> InetDiagRequest.encode(SockDiagQuery.ALL.get(0), 1, out));
  }

  @Test
  void queriesCoverBothFamiliesOfBothProtocols() {
    assertEquals(4, SockDiagQuery.ALL.size());
    assertEquals("TCP/IPv4", SockDiagQuery.ALL.get(0).toString());
    assertEquals("UDP/IPv6", SockDiagQuery.ALL.get(3).toString());
  }
}
