package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The testkit examples of docs/LIBRARY.md (which the README links), verbatim, so that they stay
 * true.
 */
class ReadmeExampleTest {

  private static final String PAGE = "docs/LIBRARY.md";
  private static final String SECTION = "## Testing with the testkit";

  @Test
  void theReadmeTestkitExampleRuns() {
    try (IsolatorHarness harness =
        IsolatorHarness.withFlags(Map.of("enforce_container_ports", "true"))) {
      ContainerId task = ContainerId.of("task");
      harness.prepare(task, ContainerConfig.withPorts(PortRanges.parse("[8080-8080]")));
      harness.listen(task, 9090); // a process in the task's cgroup listens on 9090
      harness.scan();
      harness.events().limitations().of(task).assertCount(1).assertPorts(PortRanges.of(9090));
      harness.events().kills().of(task).assertCount(1);
    }
  }

  @Test
  void theReadmeGuardExampleRuns() {
    try (IsolatorHarness harness =
        IsolatorHarness.builder()
            .flags(Map.of("enforce_container_ports", "true"))
            .guard(new FakePortGuard.State())
            .build()) {
      ContainerId task = ContainerId.of("task");
      harness.prepare(task, ContainerConfig.withPorts(PortRanges.parse("[8080-8080]")));
      assertTrue(harness.tryListen(task, 8080).isPresent());
      assertTrue(harness.tryListen(task, 9090).isEmpty()); // refused: nothing to kill
      assertEquals(1, harness.scan().guardRefusals().get(task).binds());
    }
  }

  @Test
  void thePageShowsExactlyTheExamplesThisTestRuns() throws IOException {
    Path top = Path.of("..").toAbsolutePath().normalize();
    String page = Files.readString(top.resolve(PAGE));
    String source =
        Files.readString(
            top.resolve("testkit/src/test/java/dev/portcullis/testkit/ReadmeExampleTest.java"));
    int start = page.indexOf("\n" + SECTION + "\n");
    assertTrue(start >= 0, PAGE + " has no section \"" + SECTION + "\"");
    int end = page.indexOf("\n## ", start + 1);
    String section = end < 0 ? page.substring(start) : page.substring(start, end);
    List<String> examples = new ArrayList<>();
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (block.find()) {
      examples.add(block.group(1));
    }
    assertEquals(
        2, examples.size(), PAGE + "'s testkit examples changed: update this test with them");
    for (String example : examples) {
      // Each example is the body of one test method above, indented by four spaces there.
      String indented =
          example
              .lines()
              .map(line -> line.isEmpty() ? line : "    " + line)
              .collect(Collectors.joining("\n", "", "\n"));
      assertTrue(
          source.contains(indented),
          PAGE + "'s testkit example changed: update this test with it:\n" + example);
    }
  }
}
