package dev.portcullis.netlink;

import dev.portcullis.api.AddressFamily;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.netlink.codec.SockDiagQuery;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses one of {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}:
 *
 * <pre>
 *   sl  local_address rem_address   st tx_queue rx_queue ... uid  timeout inode ...
 *    0: 0100007F:0277 00000000:0000 0A 00000000:00000000 ...   0        0 22150 ...
 * </pre>
 *
 * <p>The kernel prints each address as 32-bit words in hex ({@code %08X}) of the raw network-order
 * bytes read as a host-order integer: one word for IPv4, four for IPv6. On a little-endian host
 * {@code 0100007F} is therefore 127.0.0.1. The host's byte order is a parameter so both orders can
 * be tested. The port is printed in host order as a plain number.
 */
final class ProcNetTable {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern HEX_WORD = Pattern.compile("[0-9A-Fa-f]{8}");
  private static final Pattern HEX_PORT = Pattern.compile("[0-9A-Fa-f]{4}");
  private static final Pattern HEX_STATE = Pattern.compile("[0-9A-Fa-f]{2}");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,10}");

  private final SockDiagQuery table;
  private final ByteOrder order;
  private final String source;

  /**
   * A parser for the table of one family and protocol.
   *
   * @param table which table this is: it fixes the address size and the wanted state
   * @param order the byte order of the host that printed the table
   * @param source the file name, for messages
   */
  ProcNetTable(SockDiagQuery table, ByteOrder order, String source) {
    this.table = table;
    this.order = order;
    this.source = source;
  }

  /**
   * The sockets in the wanted state (TCP LISTEN, UDP unconnected), bound to a port and owning an
   * inode, in file order.
   *
   * @throws IOException naming the file, the line number and the line when one is malformed
   */
  List<ListeningSocket> parse(BufferedReader lines) throws IOException {
    List<ListeningSocket> sockets = new ArrayList<>();
    int number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("sl ")) {
        continue;
      }
      try {
        ListeningSocket socket = socket(WHITESPACE.split(trimmed));
        if (socket != null) {
          sockets.add(socket);
        }
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "Malformed line " + number + " of " + source + " (" + e.getMessage() + "): " + line, e);
      }
    }
    return sockets;
  }

  /** The socket on the line, or null when it is not a listening one. */
  private ListeningSocket socket(String[] fields) {
    if (fields.length < 10) {
      throw new IllegalArgumentException("it has " + fields.length + " fields, not at least 10");
    }
    int state = Integer.parseInt(match(HEX_STATE, fields[3], "state"), 16);
    int colon = fields[1].indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("the local address has no port");
    }
    int port = Integer.parseInt(match(HEX_PORT, fields[1].substring(colon + 1), "port"), 16);
    long uid = Long.parseLong(match(DECIMAL, fields[7], "uid"));
    long inode = Long.parseLong(match(DECIMAL, fields[9], "inode"));
    InetAddress address = address(fields[1].substring(0, colon));
    if (state != table.state() || port == 0 || inode == 0) {
      return null;
    }
    return ListeningSocket.builder()
        .family(table.family())
        .protocol(table.protocol())
        .address(address)
        .port(port)
        .uid(uid)
        .inode(inode)
        .build();
  }

  private InetAddress address(String hex) {
    int words = table.family() == AddressFamily.IPV4 ? 1 : 4;
    if (hex.length() != 8 * words) {
      throw new IllegalArgumentException(
          "the local address has " + hex.length() + " hex digits, not " + 8 * words);
    }
    ByteBuffer bytes = ByteBuffer.allocate(4 * words).order(order);
    for (int i = 0; i < words; i++) {
      String word = match(HEX_WORD, hex.substring(8 * i, 8 * i + 8), "address");
      bytes.putInt((int) Long.parseLong(word, 16));
    }
    try {
      return InetAddress.getByAddress(bytes.array());
    } catch (UnknownHostException impossible) {
      throw new AssertionError("A 4- or 16-byte address is always valid", impossible);
    }
  }

  private static String match(Pattern pattern, String field, String what) {
    if (!pattern.matcher(field).matches()) {
      throw new IllegalArgumentException("bad " + what + " '" + field + "'");
    }
    return field;
  }
}
