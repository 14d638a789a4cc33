package dev.portcullis.agent.sockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The table and the JSON document of {@code portcullis scan}, from values alone. */
class ScanFormatTest {

  private static ListeningSocket socket(
      Protocol protocol, AddressFamily family, String address, int port, long inode) {
    try {
      return ListeningSocket.builder()
          .protocol(protocol)
          .family(family)
          .address(InetAddress.getByName(address))
          .port(port)
          .inode(inode)
          .uid(1000)
          .build();
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static ScannedSocket scanned(ListeningSocket socket, String container, Long... pids) {
    return new ScannedSocket(
        socket, Optional.ofNullable(container).map(ContainerId::parse), List.of(pids));
  }

  private static final ScannedSocket SSH =
      scanned(socket(Protocol.TCP, AddressFamily.IPV4, "0.0.0.0", 22, 18231), null, 611L);
  private static final ScannedSocket TASK =
      scanned(
          ListeningSocket.builder()
              .from(socket(Protocol.TCP, AddressFamily.IPV6, "::", 31000, 90210))
              .cgroupId(OptionalLong.of(4711))
              .build(),
          "executor.task",
          4242L,
          4250L);
  private static final ScannedSocket DNS =
      scanned(socket(Protocol.UDP, AddressFamily.IPV6, "::ffff:127.0.0.1", 53, 7), "executor");
  private static final ScannedSocket LOOPBACK =
      scanned(socket(Protocol.TCP, AddressFamily.IPV4, "127.0.0.1", 22, 18232), null);

  @Test
  void theTableHasAlignedColumnsAndDashesForNothing() {
    assertEquals(
        String.join(
            "\n",
            "PROTO  ADDRESS:PORT           INODE  CONTAINER      PIDS",
            "tcp    0.0.0.0:22             18231  -              611",
            "tcp    [::]:31000             90210  executor.task  4242,4250",
            "udp    [::ffff:127.0.0.1]:53  7      executor       -",
            ""),
        ScanFormat.TABLE.format(List.of(SSH, TASK, DNS)));
  }

  @Test
  void anEmptyTableIsItsHeader() {
    assertEquals(
        "PROTO  ADDRESS:PORT  INODE  CONTAINER  PIDS\n", ScanFormat.TABLE.format(List.of()));
  }

  @Test
  void socketsAreOrderedByProtocolPortThenAddress() {
    List<ScannedSocket> shuffled = new ArrayList<>(List.of(DNS, TASK, LOOPBACK, SSH));
    Collections.reverse(shuffled);
    shuffled.sort(ScannedSocket.ORDER);
    assertEquals(List.of(SSH, LOOPBACK, TASK, DNS), shuffled);
  }

  @Test
  void ipv4SortsBeforeIpv6AndAddressesByValueNotText() {
    ScannedSocket nine = scanned(socket(Protocol.TCP, AddressFamily.IPV4, "10.0.0.9", 80, 1), null);
    ScannedSocket ten = scanned(socket(Protocol.TCP, AddressFamily.IPV4, "10.0.0.10", 80, 2), null);
    ScannedSocket high =
        scanned(socket(Protocol.TCP, AddressFamily.IPV4, "200.0.0.1", 80, 3), null);
    ScannedSocket six = scanned(socket(Protocol.TCP, AddressFamily.IPV6, "::", 80, 4), null);
    List<ScannedSocket> sorted = new ArrayList<>(List.of(six, high, ten, nine));
    sorted.sort(ScannedSocket.ORDER);
    assertEquals(List.of(nine, ten, high, six), sorted);
  }

  @Test
  void theJsonDocumentHasEveryField() throws Exception {
    JsonNode document =
        new ObjectMapper().readTree(ScanFormat.JSON.format(List.of(SSH, TASK, DNS)));
    assertEquals(1, document.size(), "only 'sockets'");
    JsonNode sockets = document.get("sockets");
    assertEquals(3, sockets.size());

    JsonNode ssh = sockets.get(0);
    assertEquals("tcp", ssh.get("protocol").asText());
    assertEquals("ipv4", ssh.get("family").asText());
    assertEquals("0.0.0.0", ssh.get("address").asText());
    assertEquals(22, ssh.get("port").asInt());
    assertEquals(18231, ssh.get("inode").asLong());
    assertEquals(1000, ssh.get("uid").asLong());
    assertFalse(ssh.has("cgroup_id"), "absent when the source does not know it");
    assertTrue(ssh.get("container").isNull());
    assertEquals(List.of(611L), longs(ssh.get("pids")));

    JsonNode task = sockets.get(1);
    assertEquals("ipv6", task.get("family").asText());
    assertEquals("::", task.get("address").asText());
    assertEquals(31000, task.get("port").asInt());
    assertEquals(4711, task.get("cgroup_id").asLong());
    assertEquals("executor.task", task.get("container").asText());
    assertEquals(List.of(4242L, 4250L), longs(task.get("pids")));

    JsonNode dns = sockets.get(2);
    assertEquals("udp", dns.get("protocol").asText());
    assertEquals("::ffff:127.0.0.1", dns.get("address").asText());
    assertEquals("executor", dns.get("container").asText());
    assertTrue(dns.get("pids").isArray());
    assertEquals(0, dns.get("pids").size());
  }

  @Test
  void anEmptyJsonDocumentHasAnEmptyArray() throws Exception {
    JsonNode document = new ObjectMapper().readTree(ScanFormat.JSON.format(List.of()));
    assertTrue(document.get("sockets").isArray());
    assertEquals(0, document.get("sockets").size());
  }

  @Test
  void addressesAreWrittenAsTheEndpointWritesThem() {
    assertEquals("fe80::1", ScanFormat.address(v6("fe80:0:0::1")));
    assertEquals("2001:db8::1:0:0:1", ScanFormat.address(v6("2001:db8:0:0:1:0:0:1")));
    assertEquals("::ffff:10.0.0.1", ScanFormat.address(v6("::ffff:10.0.0.1")));
    assertEquals(
        "192.0.2.1",
        ScanFormat.address(socket(Protocol.UDP, AddressFamily.IPV4, "192.0.2.1", 1, 1)));
  }

  private static ListeningSocket v6(String address) {
    return socket(Protocol.TCP, AddressFamily.IPV6, address, 1, 1);
  }

  @Test
  void formatsAreNamedAsTheFlagNamesThem() {
    assertEquals(ScanFormat.TABLE, ScanFormat.ofFlag("table"));
    assertEquals(ScanFormat.JSON, ScanFormat.ofFlag("json"));
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> ScanFormat.ofFlag("xml"));
    assertEquals("expected table or json, not 'xml'", error.getMessage());
  }

  private static List<Long> longs(JsonNode array) {
    List<Long> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asLong()));
    return values;
  }
}
