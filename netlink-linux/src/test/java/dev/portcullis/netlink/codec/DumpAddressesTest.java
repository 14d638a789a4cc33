package dev.portcullis.netlink.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class DumpAddressesTest {

  /** The address's bytes at offset 3 of a buffer in the host's order, as a dump holds them. */
  private static ByteBuffer at3(String address) throws Exception {
    byte[] bytes = InetAddress.getByName(address).getAddress();
    ByteBuffer in = ByteBuffer.allocate(3 + 16 + 5).order(ByteOrder.nativeOrder());
    in.put(3, bytes);
    return in;
  }

  @Test
  void anAddressSeenAgainIsTheSameInstance() throws Exception {
    DumpAddresses addresses = new DumpAddresses(4);
    InetAddress wildcard = addresses.at(at3("0.0.0.0"), 3);
    InetAddress loopback = addresses.at(at3("127.0.0.1"), 3);
    assertEquals(InetAddress.getByName("0.0.0.0"), wildcard);
    assertEquals(InetAddress.getByName("127.0.0.1"), loopback);
    assertSame(wildcard, addresses.at(at3("0.0.0.0"), 3));
    assertSame(loopback, addresses.at(at3("127.0.0.1"), 3));
    assertSame(wildcard, addresses.at(at3("0.0.0.0"), 3));
  }

  @Test
  void addressesPastTheRoomAreMadeRightEachTime() throws Exception {
    DumpAddresses addresses = new DumpAddresses(4);
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 3 * DumpAddresses.ROOM; i++) {
        String text = "10.0." + (i / 256) + "." + (i % 256);
        assertEquals(InetAddress.getByName(text), addresses.at(at3(text), 3), text);
      }
    }
  }

  @Test
  void ipv6AddressesDifferingInEitherHalfAreTold() throws Exception {
    DumpAddresses addresses = new DumpAddresses(16);
    for (String text : new String[] {"::", "::1", "fe80::1", "fe80::2", "fe81::1", "::", "::1"}) {
      InetAddress made = addresses.at(at3(text), 3);
      assertInstanceOf(Inet6Address.class, made, text);
      assertEquals(InetAddress.getByName(text), made, text);
    }
  }

  @Test
  void anIpv4MappedAddressIsAnIpv4OneAsTheJdkMakesIt() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    ByteBuffer in = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).put(0, mapped);
    InetAddress made = new DumpAddresses(16).at(in, 0);
    assertInstanceOf(Inet4Address.class, made);
    assertEquals(InetAddress.getByAddress(mapped), made);
  }

  @Test
  void onlyFourOrSixteenBytes() {
    assertThrows(IllegalArgumentException.class, () -> new DumpAddresses(6));
  }
}
