package dev.portcullis.agent.updates;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.agent.status.StatusJson;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Log records as lines, {@code <crc32c> <json>\n}, and back: the CRC32C of the JSON's UTF-8 bytes
 * in 8 lowercase hex digits, a space, the JSON on one line. Reading accepts only what writing
 * produces, and says what is wrong with anything else.
 */
final class RecordLines {

  /** A line that is not a record, and why. */
  static final class BadRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    BadRecordException(String why) {
      super(why);
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static final Set<String> UPDATE_FIELDS = Set.of("sequence", "update");

  /** The CRC's 8 digits and the space after them. */
  private static final int PREFIX = 9;

  private RecordLines() {}

  /** The record's line, with its line end. */
  static byte[] line(LogRecord record) {
    byte[] json = json(record);
    byte[] crc =
        String.format("%08x", crc(json, 0, json.length)).getBytes(StandardCharsets.US_ASCII);
    byte[] line = new byte[PREFIX + json.length + 1];
    System.arraycopy(crc, 0, line, 0, crc.length);
    line[PREFIX - 1] = ' ';
    System.arraycopy(json, 0, line, PREFIX, json.length);
    line[line.length - 1] = '\n';
    return line;
  }

  /** The lines of every record, one after the other. */
  static byte[] lines(List<? extends LogRecord> records) {
    List<byte[]> lines = new ArrayList<>(records.size());
    int length = 0;
    for (LogRecord record : records) {
      byte[] line = line(record);
      lines.add(line);
      length += line.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] line : lines) {
      System.arraycopy(line, 0, all, at, line.length);
      at += line.length;
    }
    return all;
  }

  /**
   * Reads the record whose line is {@code bytes[from, to)}, without its line end.
   *
   * @throws BadRecordException saying what is wrong with it
   */
  static LogRecord parse(byte[] bytes, int from, int to) throws BadRecordException {
    if (to - from <= PREFIX || bytes[from + PREFIX - 1] != ' ') {
      throw new BadRecordException("it is not a line of <crc32c> <json>");
    }
    long stated = statedCrc(bytes, from);
    long actual = crc(bytes, from + PREFIX, to);
    if (stated != actual) {
      throw new BadRecordException(
          String.format("its CRC32C is %08x, not the %08x it states", actual, stated));
    }
    JsonNode json;
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, from + PREFIX, to - from - PREFIX))
              .toString();
      json = JSON.readTree(text);
    } catch (CharacterCodingException e) {
      throw new BadRecordException("it is not UTF-8");
    } catch (JsonProcessingException e) {
      throw new BadRecordException("it is not JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw new BadRecordException("it is not a JSON object");
    }
    List<String> fields = fields(json);
    if (fields.size() == UPDATE_FIELDS.size() && UPDATE_FIELDS.containsAll(fields)) {
      return new LogRecord.Update(update(json));
    }
    if (fields.equals(List.of("acknowledged"))) {
      return new LogRecord.Acknowledged(number(json, "acknowledged"));
    }
    if (fields.equals(List.of("floor"))) {
      return new LogRecord.Floor(number(json, "floor"));
    }
    throw new BadRecordException("it is no kind of record known: its fields are " + fields);
  }

  private static byte[] json(LogRecord record) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    if (record instanceof LogRecord.Update u) {
      json.put("sequence", u.update().sequence());
      json.set("update", StatusJson.write(u.update().update()));
    } else if (record instanceof LogRecord.Acknowledged a) {
      json.put("acknowledged", a.upTo());
    } else if (record instanceof LogRecord.Floor f) {
      json.put("floor", f.upTo());
    } else {
      throw new IllegalArgumentException("not a log record: " + record);
    }
    try {
      return JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      // A tree of strings and numbers always serializes; failing here is a bug, not an input.
      throw new UncheckedIOException(e);
    }
  }

  private static SequencedUpdate update(JsonNode json) throws BadRecordException {
    long sequence = number(json, "sequence");
    if (sequence < 1) {
      throw new BadRecordException("sequence: must be at least 1");
    }
    try {
      return new SequencedUpdate(sequence, StatusJson.read(json.get("update")));
    } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
      // StatusJson names the bad field; an absurd timestamp fails in java.time instead.
      throw new BadRecordException("update " + sequence + ": " + e.getMessage());
    }
  }

  private static long number(JsonNode json, String name) throws BadRecordException {
    JsonNode node = json.get(name);
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
      throw new BadRecordException(name + ": must be a whole number, at least 0");
    }
    return node.longValue();
  }

  private static List<String> fields(JsonNode json) {
    List<String> fields = new ArrayList<>();
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      fields.add(names.next());
    }
    return fields;
  }

  private static long statedCrc(byte[] bytes, int from) throws BadRecordException {
    long value = 0;
    for (int i = from; i < from + PREFIX - 1; i++) {
      byte b = bytes[i];
      // Only what line() writes: a capital digit would be a different line with the same value.
      int digit = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : -1;
      if (digit < 0) {
        throw new BadRecordException("its CRC32C is not 8 lowercase hex digits");
      }
      value = value << 4 | digit;
    }
    return value;
  }

  private static long crc(byte[] bytes, int from, int to) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, to - from);
    return crc.getValue();
  }
}
