package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Parses the Prometheus text format with the Prometheus project's own Python client ({@code
 * prometheus_client.parser}, Debian's {@code python3-prometheus-client}), which refuses malformed
 * exposition, so that {@code /metrics} is checked by a real consumer rather than by our own reading
 * of the format.
 */
final class PrometheusText {

  private static final String PARSE =
      String.join(
          "\n",
          "import json, sys",
          "from prometheus_client.parser import text_string_to_metric_families",
          "families = {}",
          "for family in text_string_to_metric_families(sys.stdin.read()):",
          "    families[family.name] = {",
          "        'type': family.type,",
          "        'help': family.documentation,",
          "        'samples': [[s.name, s.labels, s.value] for s in family.samples]}",
          "json.dump(families, sys.stdout)");

  private static final List<String> INTERPRETERS = List.of("python3", "/usr/bin/python3");

  private PrometheusText() {}

  /** The families by name: {@code {"type", "help", "samples": [[name, labels, value]...]}}. */
  static JsonNode parse(String exposition) throws IOException, InterruptedException {
    String python = interpreter();
    Path input = Files.createTempFile("metrics", ".txt");
    try {
      Files.writeString(input, exposition, StandardCharsets.UTF_8);
      Process parser =
          new ProcessBuilder(python, "-c", PARSE)
              .redirectInput(input.toFile())
              .redirectErrorStream(false)
              .start();
      byte[] out = parser.getInputStream().readAllBytes();
      String err = new String(parser.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!parser.waitFor(60, TimeUnit.SECONDS)) {
        parser.destroyForcibly();
        fail("the Prometheus parser did not finish");
      }
      assertEquals(
          0, parser.exitValue(), () -> "the Prometheus parser refused:\n" + err + exposition);
      return DaemonProcess.JSON.readTree(out);
    } finally {
      Files.deleteIfExists(input);
    }
  }

  /** The value of one sample, by its name and labels; fails if it is absent. */
  static double value(JsonNode families, String family, String sample, Map<String, String> labels) {
    JsonNode found = families.path(family);
    for (JsonNode s : found.path("samples")) {
      if (s.get(0).asText().equals(sample)
          && DaemonProcess.JSON.convertValue(s.get(1), Map.class).equals(labels)) {
        return s.get(2).asDouble();
      }
    }
    throw new AssertionError(
        "no sample " + sample + labels + " in family " + family + ": " + found);
  }

  private static String interpreter() throws IOException, InterruptedException {
    for (String python : INTERPRETERS) {
      Optional<Integer> status = tryImport(python);
      if (status.isPresent() && status.get() == 0) {
        return python;
      }
    }
    String why =
        "no Python with prometheus_client among "
            + INTERPRETERS
            + " (install Debian's python3-prometheus-client)";
    if ("1".equals(System.getenv("PORTCULLIS_REQUIRE_LINUX"))) {
      fail(why);
    }
    return abort(why);
  }

  private static Optional<Integer> tryImport(String python)
      throws IOException, InterruptedException {
    try {
      Process probe =
          new ProcessBuilder(python, "-c", "import prometheus_client.parser")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!probe.waitFor(30, TimeUnit.SECONDS)) {
        probe.destroyForcibly();
        return Optional.empty();
      }
      return Optional.of(probe.exitValue());
    } catch (IOException notInstalled) {
      return Optional.empty();
    }
  }
}
