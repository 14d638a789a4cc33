package dev.portcullis.agent.sockets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.cli.TextTable;
import dev.portcullis.api.ListeningSocket;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How {@code portcullis scan} prints what it found: a table for people, JSON for scripts. */
enum ScanFormat {

  /**
   * One line per socket under a header, in columns two spaces apart; {@code -} for no container or
   * no pid:
   *
   * <pre>
   * PROTO  ADDRESS:PORT   INODE  CONTAINER  PIDS
   * tcp    0.0.0.0:22     18231  -          611
   * tcp    [::]:31000     90210  executor   4242,4250
   * </pre>
   */
  TABLE {
    @Override
    String format(List<ScannedSocket> sockets) {
      TextTable table = new TextTable(HEADER);
      for (ScannedSocket scanned : sockets) {
        table.add(
            protocol(scanned.socket()),
            scanned.socket().endpoint(),
            Long.toString(scanned.socket().inode()),
            scanned.container().map(Object::toString).orElse(NONE),
            scanned.pids().isEmpty()
                ? NONE
                : scanned.pids().stream().map(String::valueOf).collect(Collectors.joining(",")));
      }
      return table.toString();
    }
  },

  /**
   * One JSON document, {@code {"sockets":[...]}}, each socket an object with {@code protocol},
   * {@code family}, {@code address}, {@code port}, {@code inode}, {@code uid}, {@code cgroup_id}
   * (only when the socket source reports it), {@code container} (null for none) and {@code pids}.
   */
  JSON {
    @Override
    String format(List<ScannedSocket> sockets) {
      ObjectNode document = Json.MAPPER.createObjectNode();
      ArrayNode array = document.putArray("sockets");
      for (ScannedSocket scanned : sockets) {
        ListeningSocket socket = scanned.socket();
        ObjectNode node = array.addObject();
        node.put("protocol", protocol(socket));
        node.put("family", socket.family().name().toLowerCase(Locale.ROOT));
        node.put("address", address(socket));
        node.put("port", socket.port());
        node.put("inode", socket.inode());
        node.put("uid", socket.uid());
        if (socket.cgroupId().isPresent()) {
          node.put("cgroup_id", socket.cgroupId().getAsLong());
        }
        if (scanned.container().isPresent()) {
          node.put("container", scanned.container().get().toString());
        } else {
          node.putNull("container");
        }
        ArrayNode pids = node.putArray("pids");
        scanned.pids().forEach(pids::add);
      }
      try {
        return Json.MAPPER.writeValueAsString(document) + "\n";
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e); // a tree of strings and numbers always serializes
      }
    }
  };

  private static final String[] HEADER = {"PROTO", "ADDRESS:PORT", "INODE", "CONTAINER", "PIDS"};
  private static final String NONE = "-";

  /** Made on first use: a table needs no mapper, whose making is a good part of a scan's start. */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}
  }

  /** The sockets as this format prints them, ending with a line break. */
  abstract String format(List<ScannedSocket> sockets);

  /** {@code table} or {@code json}, as given to {@code --format}. */
  String flagValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format a {@code --format} value names. */
  static ScanFormat ofFlag(String value) {
    for (ScanFormat format : values()) {
      if (format.flagValue().equals(value)) {
        return format;
      }
    }
    throw new IllegalArgumentException("expected table or json, not '" + value + "'");
  }

  private static String protocol(ListeningSocket socket) {
    return socket.protocol().name().toLowerCase(Locale.ROOT);
  }

  /**
   * The address alone, as {@link ListeningSocket#endpoint()} writes it (IPv6 compressed, an
   * IPv4-mapped one as {@code ::ffff:a.b.c.d}), without brackets.
   */
  static String address(ListeningSocket socket) {
    String endpoint = socket.endpoint();
    String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }
}
