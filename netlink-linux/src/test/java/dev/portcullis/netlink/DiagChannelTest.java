package dev.portcullis.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.netlink.codec.DumpInterruptedException;
import dev.portcullis.netlink.codec.InetDiagSocket;
import dev.portcullis.netlink.codec.MalformedDumpException;
import dev.portcullis.netlink.codec.NetlinkErrorException;
import dev.portcullis.netlink.codec.SockDiagQuery;
import dev.portcullis.netlink.codec.Wire;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The dump loop of {@link DiagChannel}, over crafted replies instead of a kernel. */
class DiagChannelTest {

  private static final SockDiagQuery TCP4 = SockDiagQuery.ALL.get(0);
  private static final int PORT_ID = 4711;

  /** A channel that answers each request with the datagrams {@code replies} makes for it. */
  private static final class ScriptedChannel implements DiagChannel {
    private final IntFunction<List<byte[]>> replies; // attempt number → datagrams
    private final List<Integer> sentSequences = new ArrayList<>();
    private final Deque<byte[]> pending = new ArrayDeque<>();
    private int sequence = 100;

    ScriptedChannel(IntFunction<List<byte[]>> replies) {
      this.replies = replies;
    }

    @Override
    public int portId() {
      return PORT_ID;
    }

    @Override
    public int nextSequence() {
      return ++sequence;
    }

    @Override
    public void send(SockDiagQuery query, int sequence) {
      if (!pending.isEmpty()) {
        throw new AssertionError("A new request while replies are unread");
      }
      sentSequences.add(sequence);
      pending.addAll(replies.apply(sentSequences.size()));
    }

    @Override
    public ByteBuffer receive(SockDiagQuery query) {
      return ByteBuffer.wrap(pending.remove());
    }
  }

  private static InetDiagSocket socket(int port) throws IOException {
    return new InetDiagSocket(
        AddressFamily.IPV4,
        10,
        InetAddress.getByName("127.0.0.1"),
        port,
        0,
        port,
        OptionalLong.of(1));
  }

  /** The reply to attempt {@code attempt} (sequence 100 + attempt): one socket, then done. */
  private static List<byte[]> reply(int attempt, boolean interrupted) {
    Wire wire = new Wire(ByteOrder.nativeOrder(), 100 + attempt, PORT_ID);
    try {
      return List.of(
          wire.socket(socket(attempt), interrupted ? Wire.NLM_F_DUMP_INTR : 0), wire.done());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anInterruptedDumpIsAskedForAgainUnderANewSequenceNumber() throws IOException {
    ScriptedChannel channel = new ScriptedChannel(attempt -> reply(attempt, attempt < 3));
    assertEquals(List.of(socket(3)), channel.dump(TCP4));
    assertEquals(List.of(101, 102, 103), channel.sentSequences);
    assertTrue(channel.pending.isEmpty(), "every reply was read before asking again");
  }

  @Test
  void fiveInterruptionsInARowGiveUp() {
    ScriptedChannel channel = new ScriptedChannel(attempt -> reply(attempt, true));
    DumpInterruptedException e =
        assertThrows(DumpInterruptedException.class, () -> channel.dump(TCP4));
    assertEquals(DiagChannel.MAX_ATTEMPTS, channel.sentSequences.size());
    assertTrue(e.getMessage().contains("TCP/IPv4 dump was interrupted by socket changes 5 times"));
  }

  @Test
  void aProbeReadsOnlyTheFirstDatagram() throws IOException {
    Wire wire = new Wire(ByteOrder.nativeOrder(), 101, PORT_ID);
    ScriptedChannel channel =
        new ScriptedChannel(
            attempt -> {
              try {
                return List.of(wire.socket(socket(1), 0), wire.socket(socket(2), 0), wire.done());
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
    assertEquals(List.of(socket(1)), channel.firstSockets(TCP4));
    assertEquals(2, channel.pending.size(), "the rest of the reply is left for the socket's close");
  }

  @Test
  void aProbeOfAShortDumpReadsItAll() throws IOException {
    ScriptedChannel channel = new ScriptedChannel(attempt -> reply(attempt, false));
    assertEquals(List.of(socket(1)), channel.firstSockets(TCP4));
    channel.receive(TCP4); // NLMSG_DONE, in a datagram of its own here
    assertTrue(channel.pending.isEmpty());
  }

  @Test
  void aKernelErrorIsNotRetried() {
    ScriptedChannel channel =
        new ScriptedChannel(
            attempt -> List.of(new Wire(ByteOrder.nativeOrder(), 100 + attempt, PORT_ID).error(1)));
    NetlinkErrorException e = assertThrows(NetlinkErrorException.class, () -> channel.dump(TCP4));
    assertEquals(1, e.errno());
    assertEquals(1, channel.sentSequences.size());
  }

  @Test
  void aReplyToAnEarlierRequestIsMalformed() {
    ScriptedChannel channel = new ScriptedChannel(attempt -> reply(attempt - 1, false));
    assertThrows(MalformedDumpException.class, () -> channel.dump(TCP4));
  }

  @Test
  void aDumpSpreadOverDatagramsIsReadToItsEnd() throws IOException {
    Wire wire = new Wire(ByteOrder.nativeOrder(), 101, PORT_ID);
    List<byte[]> datagrams = new ArrayList<>();
    List<InetDiagSocket> expected = new ArrayList<>();
    for (int port = 1; port <= 30; port++) {
      expected.add(socket(port));
      datagrams.add(wire.socket(socket(port), 0));
    }
    datagrams.add(wire.done());
    ScriptedChannel channel = new ScriptedChannel(attempt -> datagrams);
    assertEquals(expected, channel.dump(TCP4));
  }
}
