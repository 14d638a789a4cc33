package dev.portcullis.netlink.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.AddressFamily;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The decoder against the test side's own encoder ({@link Wire}): random sockets, random extra
 * attributes and no-op messages, both byte orders, split into random datagrams.
 */
class InetDiagDumpPropertiesTest {

  /** One attribute the decoder must step over: a type that is not the cgroup id, and a value. */
  record Extra(int type, byte[] value) {}

  /** A socket and the extra attributes its message carries. */
  record Entry(InetDiagSocket socket, List<Extra> extras, boolean noopAfter) {}

  /** A whole dump as the kernel could send it. */
  record Dump(
      SockDiagQuery query,
      ByteOrder order,
      int sequence,
      int portId,
      List<Entry> entries,
      Set<Integer> cutsAfter) {

    Wire wire() {
      return new Wire(order, sequence, portId);
    }

    List<InetDiagSocket> sockets() {
      return entries.stream().map(Entry::socket).toList();
    }

    /** Every message in order, the last one NLMSG_DONE. */
    List<byte[]> messages() {
      Wire wire = wire();
      List<byte[]> messages = new ArrayList<>();
      for (Entry entry : entries) {
        byte[][] extras =
            entry.extras().stream()
                .map(e -> wire.attribute(e.type(), e.value()))
                .toArray(byte[][]::new);
        messages.add(wire.socket(entry.socket(), 0, extras));
        if (entry.noopAfter()) {
          messages.add(wire.message(Wire.NLMSG_NOOP, 0, new byte[0]));
        }
      }
      messages.add(wire.done());
      return messages;
    }

    /** The messages grouped into datagrams. */
    List<List<byte[]>> grouped(List<byte[]> messages) {
      List<List<byte[]>> datagrams = new ArrayList<>();
      List<byte[]> current = new ArrayList<>();
      for (int i = 0; i < messages.size(); i++) {
        current.add(messages.get(i));
        if (cutsAfter.contains(i) || i == messages.size() - 1) {
          datagrams.add(current);
          current = new ArrayList<>();
        }
      }
      return datagrams;
    }

    InetDiagDump decoder() {
      return new InetDiagDump(query, sequence, portId, order);
    }
  }

  @Property(tries = 300)
  void anyDumpInAnyDatagramsDecodesToExactlyItsSockets(@ForAll("dumps") Dump dump)
      throws IOException {
    List<List<byte[]>> datagrams = dump.grouped(dump.messages());
    InetDiagDump decoder = dump.decoder();
    for (int i = 0; i < datagrams.size(); i++) {
      boolean last = i == datagrams.size() - 1;
      assertEquals(last, decoder.accept(direct(Wire.concat(datagrams.get(i)))), "datagram " + i);
    }
    assertEquals(dump.sockets(), decoder.sockets());
  }

  @Property(tries = 300)
  void aDatagramCutInsideAMessageIsMalformedAndNothingIsHandedOut(
      @ForAll("dumps") Dump dump, @ForAll @IntRange(min = 0, max = 1 << 30) int pick) {
    List<List<byte[]>> datagrams = dump.grouped(dump.messages());
    int victim = pick % datagrams.size();
    byte[] whole = Wire.concat(datagrams.get(victim));
    int cut = cutInsideAMessage(datagrams.get(victim), pick);
    InetDiagDump decoder = dump.decoder();
    assertThrows(
        MalformedDumpException.class,
        () -> {
          for (int i = 0; i < victim; i++) {
            assertFalse(decoder.accept(ByteBuffer.wrap(Wire.concat(datagrams.get(i)))));
          }
          decoder.accept(ByteBuffer.wrap(Arrays.copyOf(whole, cut)));
        });
    assertThrows(IllegalStateException.class, decoder::sockets);
  }

  /** An offset in (0, length) that is not where a message starts. */
  private static int cutInsideAMessage(List<byte[]> messages, int pick) {
    int length = messages.stream().mapToInt(m -> m.length).sum();
    List<Integer> inside = new ArrayList<>();
    int start = 0;
    for (byte[] message : messages) {
      for (int offset = start + 1; offset < start + message.length; offset++) {
        inside.add(offset);
      }
      start += message.length;
    }
    assertTrue(start == length && !inside.isEmpty());
    return inside.get(pick % inside.size());
  }

  @Property(tries = 200)
  void dumpIntrAnywhereIsReportedOnlyAtDone(
      @ForAll("dumps") Dump dump, @ForAll @IntRange(min = 0, max = 1 << 30) int pick) {
    List<byte[]> messages = dump.messages();
    byte[] flagged = messages.get(pick % messages.size());
    ByteBuffer header = ByteBuffer.wrap(flagged).order(dump.order());
    header.putShort(6, (short) (header.getShort(6) | Wire.NLM_F_DUMP_INTR));
    List<List<byte[]>> datagrams = dump.grouped(messages);
    InetDiagDump decoder = dump.decoder();
    assertThrows(
        DumpInterruptedException.class,
        () -> {
          for (int i = 0; i < datagrams.size(); i++) {
            boolean done = decoder.accept(ByteBuffer.wrap(Wire.concat(datagrams.get(i))));
            assertFalse(done, "completed despite NLM_F_DUMP_INTR");
          }
        });
    assertThrows(IllegalStateException.class, decoder::sockets);
  }

  @Property(tries = 200)
  void anErrorAnywhereFailsTheDumpWithItsErrno(
      @ForAll("dumps") Dump dump,
      @ForAll @IntRange(min = 0, max = 1 << 30) int pick,
      @ForAll @IntRange(min = 1, max = 4095) int errno) {
    List<byte[]> messages = new ArrayList<>(dump.messages());
    messages.set(pick % messages.size(), dump.wire().error(errno));
    InetDiagDump decoder = dump.decoder();
    NetlinkErrorException e =
        assertThrows(
            NetlinkErrorException.class,
            () -> {
              for (List<byte[]> datagram : dump.grouped(messages)) {
                decoder.accept(ByteBuffer.wrap(Wire.concat(datagram)));
              }
            });
    assertEquals(errno, e.errno());
    assertThrows(IllegalStateException.class, decoder::sockets);
  }

  @Property(tries = 200)
  void aLengthOutsideItsDatagramIsMalformed(
      @ForAll("dumps") Dump dump,
      @ForAll @IntRange(min = 0, max = 1 << 30) int pick,
      @ForAll boolean tooShort,
      @ForAll @IntRange(min = 1, max = 1 << 20) int excess) {
    List<byte[]> messages = dump.messages();
    List<List<byte[]>> datagrams = dump.grouped(messages);
    List<byte[]> victim = datagrams.get(pick % datagrams.size());
    int index = (pick / datagrams.size()) % victim.size();
    int remaining = 0;
    for (int i = index; i < victim.size(); i++) {
      remaining += victim.get(i).length;
    }
    int length = tooShort ? excess % 16 : remaining + excess;
    ByteBuffer.wrap(victim.get(index)).order(dump.order()).putInt(0, length);
    assertMalformed(dump, datagrams);
  }

  @Property(tries = 200)
  void anAttributeLengthOutsideItsMessageIsMalformed(
      @ForAll("dumps") Dump dump,
      @ForAll @IntRange(min = 0, max = 1 << 30) int pick,
      @ForAll boolean tooShort,
      @ForAll @IntRange(min = 1, max = 0x7fff) int excess) {
    List<byte[]> messages = dump.messages();
    List<int[]> attributes = new ArrayList<>(); // {message index, offset, bytes left in message}
    for (int i = 0; i < messages.size(); i++) {
      ByteBuffer message = ByteBuffer.wrap(messages.get(i)).order(dump.order());
      if (message.getShort(4) != Wire.SOCK_DIAG_BY_FAMILY) {
        continue;
      }
      for (int offset = 16 + 72; offset < message.limit(); ) {
        attributes.add(new int[] {i, offset, message.limit() - offset});
        offset += (Short.toUnsignedInt(message.getShort(offset)) + 3) & ~3;
      }
    }
    net.jqwik.api.Assume.that(!attributes.isEmpty());
    int[] victim = attributes.get(pick % attributes.size());
    int length = tooShort ? excess % 4 : victim[2] + excess;
    ByteBuffer.wrap(messages.get(victim[0]))
        .order(dump.order())
        .putShort(victim[1], (short) length);
    assertMalformed(dump, dump.grouped(messages));
  }

  @Property(tries = 200)
  void aForeignSequenceNumberOrPortIdIsMalformed(
      @ForAll("dumps") Dump dump,
      @ForAll @IntRange(min = 0, max = 1 << 30) int pick,
      @ForAll boolean portId,
      @ForAll @IntRange(min = 1) int delta) {
    List<byte[]> messages = dump.messages();
    ByteBuffer header = ByteBuffer.wrap(messages.get(pick % messages.size())).order(dump.order());
    int field = portId ? 12 : 8;
    header.putInt(field, header.getInt(field) + delta);
    assertMalformed(dump, dump.grouped(messages));
  }

  private static void assertMalformed(Dump dump, List<List<byte[]>> datagrams) {
    InetDiagDump decoder = dump.decoder();
    assertThrows(
        MalformedDumpException.class,
        () -> {
          for (List<byte[]> datagram : datagrams) {
            decoder.accept(ByteBuffer.wrap(Wire.concat(datagram)));
          }
        });
    assertThrows(IllegalStateException.class, decoder::sockets);
  }

  private static ByteBuffer direct(byte[] bytes) {
    return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
  }

  @Provide
  Arbitrary<Dump> dumps() {
    Arbitrary<SockDiagQuery> queries = Arbitraries.of(SockDiagQuery.ALL);
    Arbitrary<ByteOrder> orders = Arbitraries.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN);
    return queries.flatMap(
        query ->
            Combinators.combine(
                    orders,
                    Arbitraries.integers(),
                    Arbitraries.integers(),
                    entries(query.family()).list().ofMaxSize(40),
                    Arbitraries.integers().between(0, 90).set().ofMaxSize(10))
                .as(
                    (order, sequence, portId, entries, cuts) ->
                        new Dump(query, order, sequence, portId, entries, cuts)));
  }

  private Arbitrary<Entry> entries(AddressFamily family) {
    Arbitrary<Extra> extras =
        Combinators.combine(
                Arbitraries.integers()
                    .between(0, 0xffff)
                    .filter(type -> (type & 0x3fff) != Wire.INET_DIAG_CGROUP_ID),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20))
            .as(Extra::new);
    return Combinators.combine(
            sockets(family), extras.list().ofMaxSize(3), Arbitraries.of(true, false, false, false))
        .as(Entry::new);
  }

  private Arbitrary<InetDiagSocket> sockets(AddressFamily family) {
    Arbitrary<OptionalLong> cgroupIds =
        Arbitraries.oneOf(Arbitraries.of(1L, -1L, Long.MIN_VALUE), Arbitraries.longs())
            .optional(0.8)
            .map(id -> id.map(OptionalLong::of).orElse(OptionalLong.empty()));
    return Combinators.combine(
            addresses(family),
            Arbitraries.integers().between(0, 255),
            Arbitraries.oneOf(
                Arbitraries.of(0, 1, 65535), Arbitraries.integers().between(0, 65535)),
            u32s(),
            u32s(),
            cgroupIds)
        .as(
            (address, state, port, uid, inode, cgroupId) ->
                new InetDiagSocket(family, state, address, port, uid, inode, cgroupId));
  }

  private static Arbitrary<Long> u32s() {
    return Arbitraries.oneOf(
        Arbitraries.of(0L, 1L, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL),
        Arbitraries.longs().between(0, 0xffff_ffffL));
  }

  private Arbitrary<InetAddress> addresses(AddressFamily family) {
    int size = family == AddressFamily.IPV4 ? 4 : 16;
    Arbitrary<InetAddress> random =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofSize(size)
            .map(InetDiagDumpPropertiesTest::address);
    List<String> notable =
        family == AddressFamily.IPV4
            ? List.of("0.0.0.0", "127.0.0.1", "255.255.255.255")
            : List.of("::", "::1", "::ffff:127.0.0.1", "::ffff:0.0.0.0", "fe80::1");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, random),
        net.jqwik.api.Tuple.of(2, Arbitraries.of(notable).map(text -> address(literal(text)))));
  }

  private static byte[] literal(String text) {
    try {
      byte[] raw = InetAddress.getByName(text).getAddress();
      if (raw.length == 4 && text.contains(":")) { // ::ffff:a.b.c.d comes back as IPv4
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
      }
      return raw;
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static InetAddress address(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
