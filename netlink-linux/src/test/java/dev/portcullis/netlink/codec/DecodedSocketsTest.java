package dev.portcullis.netlink.codec;

import static dev.portcullis.netlink.codec.InetDiagDumpTest.LE;
import static dev.portcullis.netlink.codec.InetDiagDumpTest.PORT_ID;
import static dev.portcullis.netlink.codec.InetDiagDumpTest.SEQ;
import static dev.portcullis.netlink.codec.InetDiagDumpTest.TCP4;
import static dev.portcullis.netlink.codec.InetDiagDumpTest.TCP6;
import static dev.portcullis.netlink.codec.InetDiagDumpTest.datagram;
import static dev.portcullis.netlink.codec.InetDiagDumpTest.v4;
import static dev.portcullis.netlink.codec.InetDiagDumpTest.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Sockets decoded again as the same objects, while the kernel describes them as before. */
class DecodedSocketsTest {

  private final DecodedSockets reused = new DecodedSockets();

  private List<InetDiagSocket> snapshot(SockDiagQuery query, InetDiagSocket... sockets)
      throws IOException {
    reused.begin();
    List<InetDiagSocket> decoded = dump(query, sockets);
    reused.end();
    return decoded;
  }

  private List<InetDiagSocket> dump(SockDiagQuery query, InetDiagSocket... sockets)
      throws IOException {
    byte[][] messages = new byte[sockets.length + 1][];
    for (int i = 0; i < sockets.length; i++) {
      messages[i] = LE.socket(sockets[i], 0);
    }
    messages[sockets.length] = LE.done();
    InetDiagDump dump = new InetDiagDump(query, SEQ, PORT_ID, ByteOrder.LITTLE_ENDIAN, reused);
    dump.accept(datagram(messages));
    return dump.sockets();
  }

  @Test
  void anUnchangedSocketIsTheSameObjectAndAChangedOneIsNew() throws IOException {
    InetDiagSocket web = v4("0.0.0.0", 8080, 11, OptionalLong.of(7));
    InetDiagSocket db = v4("127.0.0.1", 5432, 12, OptionalLong.of(8));
    List<InetDiagSocket> first = snapshot(TCP4, web, db);
    assertEquals(List.of(web, db), first);
    assertEquals(2, reused.size());

    List<InetDiagSocket> second = snapshot(TCP4, web, db);
    assertSame(first.get(0), second.get(0));
    assertSame(first.get(1), second.get(1));

    // Each field the decoder reads, changed under the same inode, makes a new socket.
    List<InetDiagSocket> changed =
        List.of(
            v4("0.0.0.0", 8081, 11, OptionalLong.of(7)),
            v4("10.0.0.1", 8080, 11, OptionalLong.of(7)),
            v4("0.0.0.0", 8080, 11, OptionalLong.of(9)),
            v4("0.0.0.0", 8080, 11, OptionalLong.empty()),
            new InetDiagSocket(
                web.family(), web.state(), web.address(), 8080, 0, 11, web.cgroupId()),
            new InetDiagSocket(
                web.family(), 7, web.address(), 8080, web.uid(), 11, web.cgroupId()));
    InetDiagSocket previous = second.get(0);
    for (InetDiagSocket socket : changed) {
      InetDiagSocket decoded = snapshot(TCP4, socket).get(0);
      assertEquals(socket, decoded);
      assertNotSame(previous, decoded, "changed to " + socket);
      previous = decoded;
    }
  }

  @Test
  void aSocketTheLastSnapshotDidNotSeeIsDecodedAnew() throws IOException {
    InetDiagSocket web = v6("::", 8080, 21, OptionalLong.of(3));
    InetDiagSocket first = snapshot(TCP6, web).get(0);
    snapshot(TCP6);
    assertEquals(0, reused.size());
    InetDiagSocket again = snapshot(TCP6, web).get(0);
    assertEquals(web, again);
    assertNotSame(first, again, "forgotten by the snapshot that did not see it");
  }

  @Test
  void aSnapshotThatFailsLeavesTheLastCompleteOneInUse() throws IOException {
    InetDiagSocket web = v4("0.0.0.0", 8080, 31, OptionalLong.of(5));
    InetDiagSocket first = snapshot(TCP4, web).get(0);

    reused.begin();
    InetDiagDump failing = new InetDiagDump(TCP4, SEQ, PORT_ID, ByteOrder.LITTLE_ENDIAN, reused);
    failing.accept(datagram(LE.socket(v4("0.0.0.0", 9090, 32, OptionalLong.of(5)), 0)));
    assertThrows(MalformedDumpException.class, () -> failing.accept(ByteBuffer.allocate(0)));
    // No end(): the next snapshot reuses what the last complete one decoded.
    assertSame(first, snapshot(TCP4, web).get(0));
  }
}
