package dev.portcullis.agent.updates;

import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.agent.status.StatusJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/** Log lines as the format documents them, written independently of the log's own code. */
final class Lines {

  private Lines() {}

  /** {@code json}'s line: its CRC32C in 8 lowercase hex digits, a space, the JSON, a line end. */
  static String line(String json) {
    CRC32C crc = new CRC32C();
    crc.update(json.getBytes(StandardCharsets.UTF_8));
    return String.format("%08x %s\n", crc.getValue(), json);
  }

  static String update(long sequence, TaskStatus update) {
    return line("{\"sequence\":" + sequence + ",\"update\":" + StatusJson.line(update) + "}");
  }

  static String acknowledged(long upTo) {
    return line("{\"acknowledged\":" + upTo + "}");
  }

  static String floor(long upTo) {
    return line("{\"floor\":" + upTo + "}");
  }

  static void write(Path file, String... lines) throws IOException {
    Files.write(file, String.join("", lines).getBytes(StandardCharsets.UTF_8));
  }

  /** The byte offset where each record of {@code bytes} starts. */
  static List<Integer> starts(byte[] bytes) {
    List<Integer> starts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        starts.add(start);
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      starts.add(start);
    }
    return starts;
  }
}
