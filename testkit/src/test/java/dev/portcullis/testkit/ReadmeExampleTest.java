package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's testkit example, verbatim, so that it stays true. */
class ReadmeExampleTest {

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
}
