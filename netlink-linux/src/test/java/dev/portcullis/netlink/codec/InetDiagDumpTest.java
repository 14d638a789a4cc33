package dev.portcullis.netlink.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.Protocol;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InetDiagDumpTest {

  static final SockDiagQuery TCP4 = new SockDiagQuery(AddressFamily.IPV4, Protocol.TCP);
  static final SockDiagQuery TCP6 = new SockDiagQuery(AddressFamily.IPV6, Protocol.TCP);
  static final SockDiagQuery UDP6 = new SockDiagQuery(AddressFamily.IPV6, Protocol.UDP);
  static final int SEQ = 0x5eed;
  static final int PORT_ID = 0x7fff_0001;

  static final Wire LE = new Wire(ByteOrder.LITTLE_ENDIAN, SEQ, PORT_ID);

  static InetDiagSocket v4(String address, int port, long inode, OptionalLong cgroup) {
    return new InetDiagSocket(AddressFamily.IPV4, 10, address(address), port, 1000, inode, cgroup);
  }

  static InetDiagSocket v6(String address, int port, long inode, OptionalLong cgroup) {
    return new InetDiagSocket(AddressFamily.IPV6, 10, address(address), port, 0, inode, cgroup);
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static InetDiagDump decoder(SockDiagQuery query, ByteOrder order) {
    return new InetDiagDump(query, SEQ, PORT_ID, order);
  }

  static ByteBuffer datagram(byte[]... messages) {
    return ByteBuffer.wrap(Wire.concat(messages));
  }

  /** Feeds the datagrams; every one but the last must leave the dump incomplete. */
  static List<InetDiagSocket> decode(SockDiagQuery query, ByteOrder order, ByteBuffer... datagrams)
      throws IOException {
    InetDiagDump dump = decoder(query, order);
    for (int i = 0; i < datagrams.length; i++) {
      assertEquals(i == datagrams.length - 1, dump.accept(datagrams[i]), "datagram " + i);
    }
    return dump.sockets();
  }

  static MalformedDumpException malformed(SockDiagQuery query, ByteBuffer... datagrams) {
    InetDiagDump dump = decoder(query, ByteOrder.LITTLE_ENDIAN);
    MalformedDumpException e =
        assertThrows(
            MalformedDumpException.class,
            () -> {
              for (ByteBuffer datagram : datagrams) {
                dump.accept(datagram);
              }
            });
    assertThrows(IllegalStateException.class, dump::sockets, "a failed dump hands out nothing");
    return e;
  }

  static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' lacks " + part);
    }
  }

  @Nested
  class WellFormed {

    @ParameterizedTest
    @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void aMultiPartDumpYieldsEverySocketInOrder(String orderName) throws IOException {
      ByteOrder order =
          orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      Wire wire = new Wire(order, SEQ, PORT_ID);
      InetDiagSocket wildcard = v4("0.0.0.0", 8080, 12345, OptionalLong.of(1));
      InetDiagSocket loopbackTop =
          v4("127.0.0.1", 65535, 0xffff_ffffL, OptionalLong.of(0x1_0000_0001L));
      InetDiagSocket noCgroup = v4("10.1.2.3", 1, 7, OptionalLong.empty());
      List<InetDiagSocket> sockets =
          decode(
              TCP4,
              order,
              datagram(wire.socket(wildcard, 0), wire.socket(loopbackTop, 0)),
              datagram(wire.socket(noCgroup, 0), wire.message(Wire.NLMSG_NOOP, 0, new byte[0])),
              datagram(wire.done()));
      assertEquals(List.of(wildcard, loopbackTop, noCgroup), sockets);
    }

    @Test
    void uidAndInodeAreUnsigned32BitAndTheCgroupIdIs64Bit() throws IOException {
      InetDiagSocket top =
          new InetDiagSocket(
              AddressFamily.IPV4,
              10,
              address("1.2.3.4"),
              65535,
              0xffff_fffeL,
              0xffff_ffffL,
              OptionalLong.of(-2L));
      assertEquals(
          List.of(top),
          decode(TCP4, ByteOrder.LITTLE_ENDIAN, datagram(LE.socket(top, 0), LE.done())));
    }

    @Test
    void ipv6DumpsKeepWildcardLoopbackAndMappedAddresses() throws IOException {
      InetDiagSocket any = v6("::", 443, 1, OptionalLong.of(5));
      InetDiagSocket loopback = v6("::1", 444, 2, OptionalLong.of(5));
      InetDiagSocket mapped = v6("::ffff:127.0.0.1", 53, 3, OptionalLong.of(5));
      List<InetDiagSocket> sockets =
          decode(
              TCP6,
              ByteOrder.LITTLE_ENDIAN,
              datagram(LE.socket(any, 0), LE.socket(loopback, 0), LE.socket(mapped, 0), LE.done()));
      assertEquals(List.of(any, loopback, mapped), sockets);
      assertTrue(sockets.get(0).address().isAnyLocalAddress());
      assertInstanceOf(
          Inet4Address.class, sockets.get(2).address(), "Java's form of ::ffff:a.b.c.d");
      assertEquals(AddressFamily.IPV6, sockets.get(2).family());
    }

    @Test
    void ipv4AddressesAreTheFirstFourBytesOfSrc() throws IOException {
      InetDiagSocket socket = v4("192.0.2.7", 80, 9, OptionalLong.empty());
      byte[] message = LE.socket(socket, 0);
      Arrays.fill(message, 16 + 8 + 4, 16 + 8 + 16, (byte) 0xee); // the rest of idiag_src
      assertEquals(
          List.of(socket), decode(TCP4, ByteOrder.LITTLE_ENDIAN, datagram(message, LE.done())));
    }

    @Test
    void unknownAttributesAreSkippedAndTypesAreMasked() throws IOException {
      InetDiagSocket socket = v6("::", 22, 4, OptionalLong.empty());
      byte[] message =
          LE.socket(
              socket,
              0,
              LE.attribute(Wire.INET_DIAG_SHUTDOWN, new byte[] {0}),
              LE.attribute(Wire.INET_DIAG_PAD, new byte[0]),
              LE.attribute(Wire.INET_DIAG_SKV6ONLY, new byte[] {1}),
              LE.attribute(Wire.NLA_F_NESTED | 99, new byte[] {1, 2, 3, 4, 5, 6, 7}),
              LE.u64Attribute(Wire.NLA_F_NESTED | Wire.INET_DIAG_CGROUP_ID, 42));
      List<InetDiagSocket> sockets =
          decode(TCP6, ByteOrder.LITTLE_ENDIAN, datagram(message, LE.done()));
      assertEquals(OptionalLong.of(42), sockets.get(0).cgroupId());
    }

    @Test
    void aLastMessageMayLackItsPaddingAndOthersAreSteppedByTheAlignedLength() throws IOException {
      InetDiagSocket first = v4("127.0.0.1", 1, 1, OptionalLong.empty());
      InetDiagSocket second = v4("127.0.0.2", 2, 2, OptionalLong.empty());
      byte[] unpadded =
          unpadded(LE.socket(first, 0, LE.attribute(Wire.INET_DIAG_SHUTDOWN, new byte[] {3})));
      InetDiagDump dump = decoder(TCP4, ByteOrder.LITTLE_ENDIAN);
      assertFalse(dump.accept(datagram(LE.socket(second, 0), unpadded)));
      byte[] padded = LE.socket(first, 0, LE.attribute(Wire.INET_DIAG_SHUTDOWN, new byte[] {3}));
      ByteBuffer.wrap(padded).order(ByteOrder.LITTLE_ENDIAN).putInt(0, padded.length - 3);
      assertTrue(dump.accept(datagram(padded, LE.done())));
      assertEquals(List.of(second, first, first), dump.sockets());
    }

    /** The message with its length field and its size cut to the unaligned length. */
    private byte[] unpadded(byte[] message) {
      byte[] cut = Arrays.copyOf(message, message.length - 3);
      ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).putInt(0, cut.length);
      return cut;
    }

    @Test
    void socketsWithoutPortOrInodeAreDecodedFaithfully() throws IOException {
      InetDiagSocket unbound =
          new InetDiagSocket(
              AddressFamily.IPV4, 7, address("0.0.0.0"), 0, 0, 0, OptionalLong.empty());
      assertEquals(
          List.of(unbound),
          decode(
              new SockDiagQuery(AddressFamily.IPV4, Protocol.UDP),
              ByteOrder.LITTLE_ENDIAN,
              datagram(LE.socket(unbound, 0), LE.done())));
    }

    @Test
    void anEmptyDumpIsJustDone() throws IOException {
      assertEquals(List.of(), decode(TCP4, ByteOrder.LITTLE_ENDIAN, datagram(LE.done())));
      assertEquals(
          List.of(),
          decode(
              TCP4,
              ByteOrder.LITTLE_ENDIAN,
              datagram(LE.message(Wire.NLMSG_DONE, 2, new byte[0]))));
    }

    @Test
    void onlyTheBytesBetweenPositionAndLimitAreReadAndAllAreConsumed() throws IOException {
      InetDiagSocket socket = v4("127.0.0.1", 80, 9, OptionalLong.of(3));
      byte[] payload = Wire.concat(LE.socket(socket, 0), LE.done());
      ByteBuffer buffer = ByteBuffer.allocateDirect(payload.length + 64);
      for (int i = 0; i < buffer.capacity(); i++) {
        buffer.put(i, (byte) 0xff); // junk around the datagram
      }
      buffer.position(32).put(payload).limit(32 + payload.length).position(32);
      InetDiagDump dump = decoder(TCP4, ByteOrder.LITTLE_ENDIAN);
      assertTrue(dump.accept(buffer));
      assertEquals(0, buffer.remaining());
      assertEquals(List.of(socket), dump.sockets());
    }
  }

  @Nested
  class KernelErrors {

    @Test
    void nlmsgErrorBecomesAnExceptionNamingTheErrnoAndTheDump() {
      InetDiagDump dump = decoder(TCP4, ByteOrder.LITTLE_ENDIAN);
      NetlinkErrorException e =
          assertThrows(NetlinkErrorException.class, () -> dump.accept(datagram(LE.error(22))));
      assertEquals(22, e.errno());
      assertMentions(e, "TCP/IPv4", "EINVAL (errno 22)");
      assertThrows(IllegalStateException.class, dump::sockets);
    }

    @Test
    void enoentExplainsTheMissingDiagModule() {
      InetDiagDump dump = decoder(UDP6, ByteOrder.LITTLE_ENDIAN);
      NetlinkErrorException e =
          assertThrows(NetlinkErrorException.class, () -> dump.accept(datagram(LE.error(2))));
      assertMentions(e, "UDP/IPv6", "ENOENT", "udp_diag");
    }

    @Test
    void anErrorAfterSocketsDiscardsThem() throws IOException {
      InetDiagDump dump = decoder(TCP4, ByteOrder.LITTLE_ENDIAN);
      assertFalse(dump.accept(datagram(LE.socket(v4("127.0.0.1", 1, 1, OptionalLong.empty()), 0))));
      assertThrows(NetlinkErrorException.class, () -> dump.accept(datagram(LE.error(105))));
      assertThrows(IllegalStateException.class, dump::sockets);
    }

    @Test
    void aNegativeStatusInDoneIsAnError() {
      byte[] done =
          LE.message(
              Wire.NLMSG_DONE,
              2,
              ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-12).array());
      NetlinkErrorException e =
          assertThrows(
              NetlinkErrorException.class,
              () -> decoder(TCP4, ByteOrder.LITTLE_ENDIAN).accept(datagram(done)));
      assertEquals(12, e.errno());
      assertMentions(e, "ENOMEM");
    }

    @Test
    void anAcknowledgementIsNotADump() {
      assertMentions(malformed(TCP4, datagram(LE.error(0))), "acknowledgement");
    }

    @Test
    void aPositiveErrorIsMalformed() {
      assertMentions(malformed(TCP4, datagram(LE.error(-5))), "positive status 5");
    }

    @Test
    void anErrorTooShortToHoldItsStatusIsMalformed() {
      assertMentions(
          malformed(TCP4, datagram(LE.message(Wire.NLMSG_ERROR, 0, new byte[] {1, 2}))),
          "NLMSG_ERROR of 2 bytes");
    }

    @Test
    void dumpIntrIsReportedAtTheEndOnceTheDumpIsRead() throws IOException {
      InetDiagDump dump = decoder(TCP4, ByteOrder.LITTLE_ENDIAN);
      assertFalse(dump.accept(datagram(LE.socket(v4("127.0.0.1", 1, 1, OptionalLong.empty()), 0))));
      assertFalse(
          dump.accept(
              datagram(
                  LE.socket(v4("127.0.0.1", 2, 2, OptionalLong.empty()), Wire.NLM_F_DUMP_INTR))));
      DumpInterruptedException e =
          assertThrows(DumpInterruptedException.class, () -> dump.accept(datagram(LE.done())));
      assertMentions(e, "TCP/IPv4", "NLM_F_DUMP_INTR");
      assertThrows(IllegalStateException.class, dump::sockets);
    }

    @Test
    void dumpIntrOnDoneItselfCounts() {
      byte[] done =
          LE.message(Wire.NLMSG_DONE, Wire.NLM_F_MULTI | Wire.NLM_F_DUMP_INTR, new byte[4]);
      assertThrows(
          DumpInterruptedException.class,
          () -> decoder(TCP4, ByteOrder.LITTLE_ENDIAN).accept(datagram(done)));
    }
  }

  @Nested
  class Malformed {

    @Test
    void aTruncatedHeader() {
      byte[] done = LE.done();
      assertMentions(
          malformed(TCP4, ByteBuffer.wrap(Arrays.copyOf(done, 10))), "truncated", "10 bytes left");
    }

    @Test
    void aHeaderCutAfterAWholeMessage() {
      byte[] socket = LE.socket(v4("127.0.0.1", 1, 1, OptionalLong.empty()), 0);
      byte[] stream = Wire.concat(socket, Arrays.copyOf(LE.done(), 15));
      assertMentions(
          malformed(TCP4, ByteBuffer.wrap(stream)), "at byte " + socket.length, "truncated");
    }

    @Test
    void aLengthBeyondTheDatagram() {
      byte[] socket = LE.socket(v4("127.0.0.1", 1, 1, OptionalLong.empty()), 0);
      assertMentions(
          malformed(TCP4, ByteBuffer.wrap(Arrays.copyOf(socket, socket.length - 4))),
          "truncated",
          "declares " + socket.length);
    }

    @Test
    void aLengthShorterThanTheHeaderIncludingZero() {
      for (int length : new int[] {0, 1, 8, 15}) {
        byte[] done = LE.done();
        ByteBuffer.wrap(done).order(ByteOrder.LITTLE_ENDIAN).putInt(0, length);
        assertMentions(malformed(TCP4, ByteBuffer.wrap(done)), "length of " + length);
      }
    }

    @Test
    void aLengthAbove2GiBIsNotNegative() {
      byte[] done = LE.done();
      ByteBuffer.wrap(done).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x8000_0010);
      assertMentions(malformed(TCP4, ByteBuffer.wrap(done)), "truncated", "2147483664");
    }

    @Test
    void anInetDiagMsgTooShort() {
      byte[] message = LE.message(Wire.SOCK_DIAG_BY_FAMILY, 2, new byte[40]);
      message[16] = 2;
      assertMentions(malformed(TCP4, datagram(message, LE.done())), "inet_diag_msg of 40 bytes");
    }

    @Test
    void anAttributeShorterThanItsHeaderIncludingZero() {
      for (int length : new int[] {0, 3}) {
        byte[] bad = LE.attribute(Wire.INET_DIAG_SHUTDOWN, new byte[] {0});
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) length);
        byte[] message = LE.socket(v4("127.0.0.1", 1, 1, OptionalLong.empty()), 0, bad);
        assertMentions(
            malformed(TCP4, datagram(message, LE.done())), "attribute 8 with length " + length);
      }
    }

    @Test
    void anAttributeLongerThanItsMessage() {
      byte[] bad = LE.attribute(Wire.INET_DIAG_SHUTDOWN, new byte[] {0});
      ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 9);
      byte[] message = LE.socket(v4("127.0.0.1", 1, 1, OptionalLong.empty()), 0, bad);
      assertMentions(
          malformed(TCP4, datagram(message, LE.done())), "length 9 where 8 bytes remain");
    }

    @Test
    void aCgroupIdOfTheWrongSize() {
      byte[] bad = LE.attribute(Wire.INET_DIAG_CGROUP_ID, new byte[] {1, 0, 0, 0});
      byte[] message = LE.socket(v4("127.0.0.1", 1, 1, OptionalLong.empty()), 0, bad);
      assertMentions(
          malformed(TCP4, datagram(message, LE.done())), "cgroup id attribute of length 8");
    }

    @Test
    void twoCgroupIds() {
      byte[] message =
          LE.socket(
              v4("127.0.0.1", 1, 1, OptionalLong.of(1)),
              0,
              LE.u64Attribute(Wire.INET_DIAG_CGROUP_ID, 2));
      assertMentions(malformed(TCP4, datagram(message, LE.done())), "two cgroup id");
    }

    @Test
    void bytesLeftAfterTheLastAttribute() {
      byte[] message =
          LE.message(
              Wire.SOCK_DIAG_BY_FAMILY,
              2,
              Wire.concat(
                  LE.inetDiagMsg(v4("127.0.0.1", 1, 1, OptionalLong.empty())), new byte[2]));
      assertMentions(malformed(TCP4, datagram(message, LE.done())), "ends in 2 bytes");
    }

    @Test
    void aWrongSequenceNumber() {
      byte[] message = new Wire(ByteOrder.LITTLE_ENDIAN, SEQ - 1, PORT_ID).done();
      assertMentions(malformed(TCP4, datagram(message)), "sequence number " + (SEQ - 1));
    }

    @Test
    void aWrongPortId() {
      byte[] message = new Wire(ByteOrder.LITTLE_ENDIAN, SEQ, 4242).done();
      assertMentions(malformed(TCP4, datagram(message)), "port id 4242");
    }

    @Test
    void aSocketOfTheOtherFamily() {
      byte[] message = LE.socket(v6("::1", 1, 1, OptionalLong.empty()), 0);
      assertMentions(
          malformed(TCP4, datagram(message, LE.done())), "family 10 in the TCP/IPv4 dump");
    }

    @Test
    void anUnexpectedMessageType() {
      for (int type : new int[] {Wire.NLMSG_OVERRUN, 16, 99}) {
        assertMentions(
            malformed(TCP4, datagram(LE.message(type, 0, new byte[4]))), "unexpected type " + type);
      }
    }

    @Test
    void anythingAfterDoneInTheSameDatagram() {
      byte[] socket = LE.socket(v4("127.0.0.1", 1, 1, OptionalLong.empty()), 0);
      assertMentions(malformed(TCP4, datagram(LE.done(), socket)), "follows NLMSG_DONE");
    }

    @Test
    void anEmptyDatagram() {
      assertMentions(malformed(TCP4, ByteBuffer.allocate(0)), "empty datagram");
    }

    @Test
    void theOffsetInTheMessageCountsEarlierDatagrams() {
      byte[] socket = LE.socket(v4("127.0.0.1", 1, 1, OptionalLong.empty()), 0);
      MalformedDumpException e =
          malformed(TCP4, datagram(socket), ByteBuffer.wrap(Arrays.copyOf(LE.done(), 4)));
      assertMentions(e, "at byte " + socket.length);
    }
  }

  @Nested
  class Lifecycle {

    @Test
    void socketsAreOnlyHandedOutOnceTheDumpIsComplete() throws IOException {
      InetDiagDump dump = decoder(TCP4, ByteOrder.LITTLE_ENDIAN);
      assertThrows(IllegalStateException.class, dump::sockets);
      dump.accept(datagram(LE.socket(v4("127.0.0.1", 1, 1, OptionalLong.empty()), 0)));
      assertThrows(IllegalStateException.class, dump::sockets);
    }

    @Test
    void nothingIsAcceptedAfterDone() throws IOException {
      InetDiagDump dump = decoder(TCP4, ByteOrder.LITTLE_ENDIAN);
      assertTrue(dump.accept(datagram(LE.done())));
      assertThrows(IllegalStateException.class, () -> dump.accept(datagram(LE.done())));
    }

    @Test
    void nothingIsAcceptedAfterAFailure() {
      InetDiagDump dump = decoder(TCP4, ByteOrder.LITTLE_ENDIAN);
      assertThrows(MalformedDumpException.class, () -> dump.accept(ByteBuffer.allocate(3)));
      assertThrows(IllegalStateException.class, () -> dump.accept(datagram(LE.done())));
    }
  }

  @Test
  void errnoNamesAreReadable() {
    assertEquals("EPROTONOSUPPORT (errno 93)", Errno.describe(93));
    assertEquals("EINVAL", Errno.name(22));
    assertEquals("errno 4000", Errno.describe(4000));
  }
}
