package dev.portcullis.examples.taskpattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.testkit.HostModel;
import dev.portcullis.testkit.IsolatorHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * The policy against the testkit's in-memory host: tasks whose ids match listen freely, any other
 * offender dies alone, and nobody else is touched.
 */
class TaskPatternPolicyTest {

  private static final ContainerId EXECUTOR = ContainerId.of("executor");
  private static final int ALLOCATED = 31000;

  /** One task of the group: its id, and the port it listens on. */
  record TaskSpec(String taskId, int port) {}

  @Provide
  Arbitrary<TaskSpec> tasks() {
    Arbitrary<String> ids =
        Arbitraries.oneOf(
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6).map(s -> "debug-" + s),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
            Arbitraries.of("debug", "xdebug-1", "debug-"));
    Arbitrary<Integer> ports = Arbitraries.of(ALLOCATED, 8080, 9090, 31001);
    return Combinators.combine(ids, ports).as(TaskSpec::new);
  }

  private static TaskPatternPolicy policy(String pattern) {
    TaskPatternPolicy policy = new TaskPatternPolicy();
    policy.initialize(ProviderSettings.of(Map.of(TaskPatternPolicy.ALLOW_SETTING, pattern)));
    return policy;
  }

  private static IsolatorHarness harness(HostModel host, TaskPatternPolicy policy) {
    return IsolatorHarness.builder()
        .host(host)
        .flags(Map.of("enforce_container_ports", "true"))
        .policy(policy)
        .build();
  }

  @Property(tries = 300)
  void matchingTasksListenFreelyAndEveryOtherOffenderDiesAlone(
      @ForAll @Size(min = 1, max = 4) List<@From("tasks") TaskSpec> group) {
    HostModel host = new HostModel();
    TaskPatternPolicy policy = policy("debug-.+");
    try (IsolatorHarness harness = harness(host, policy)) {
      harness.prepare(EXECUTOR, ContainerConfig.withPorts(PortRanges.of(ALLOCATED)));
      long executorProcess = harness.spawn(EXECUTOR);
      List<ContainerId> containers = new ArrayList<>();
      List<Long> pids = new ArrayList<>();
      for (int i = 0; i < group.size(); i++) {
        ContainerId container = EXECUTOR.child("task-" + i);
        harness.prepare(container, ContainerConfig.builder().taskId(group.get(i).taskId()).build());
        containers.add(container);
        pids.add(harness.listen(container, group.get(i).port()));
      }

      harness.scans(3);

      boolean anyKilled = false;
      for (int i = 0; i < group.size(); i++) {
        TaskSpec task = group.get(i);
        boolean offends = task.port() != ALLOCATED;
        boolean allowed = task.taskId().matches("debug-.+");
        var limitations = harness.events().limitations().of(containers.get(i));
        if (offends && !allowed) {
          limitations.assertCount(1).assertPorts(PortRanges.of(task.port()));
          assertTrue(
              limitations.list().get(0).message().contains("does not match debug-.+"),
              limitations::toString);
          assertFalse(host.isAlive(pids.get(i)), task + " outlived its limitation");
          anyKilled = true;
        } else {
          limitations.assertNone();
          assertTrue(host.isAlive(pids.get(i)), task + " was killed");
        }
        if (offends && allowed) {
          // Logged once, not every scan.
          assertEquals(
              1,
              harness.events().logs().of(containers.get(i)).count(),
              harness.events()::toString);
        }
      }
      harness.events().limitations().of(EXECUTOR).assertNone();
      assertTrue(host.isAlive(executorProcess), "the executor itself was killed");
      Statistics.label("an offender killed").collect(anyKilled);
    }
  }

  @Test
  void withEnforcementOffEveryViolationIsOnlyLogged() {
    HostModel host = new HostModel();
    try (IsolatorHarness harness =
        IsolatorHarness.builder()
            .host(host)
            .flags(Map.of("enforce_container_ports", "false"))
            .policy(policy("debug-.+"))
            .build()) {
      ContainerId web = EXECUTOR.child("web");
      harness.prepare(EXECUTOR, ContainerConfig.withPorts(PortRanges.of(ALLOCATED)));
      harness.prepare(web, ContainerConfig.builder().taskId("web-1").build());
      long pid = harness.listen(web, 8080);
      harness.scans(3);
      harness.events().limitations().assertNone();
      assertEquals(1, harness.events().logs().of(web).count());
      assertTrue(host.isAlive(pid));
    }
  }

  @Test
  void withoutAPatternOrWithABadOneThePolicyIsUnavailableAndSaysWhy() {
    TaskPatternPolicy unset = new TaskPatternPolicy();
    unset.initialize(ProviderSettings.empty());
    assertTrue(
        unset.unavailabilityCause().orElseThrow().getMessage().contains("task_pattern_allow"));

    TaskPatternPolicy bad = policy("debug-(");
    assertTrue(
        bad.unavailabilityCause().orElseThrow().getMessage().contains("not a regular expression"));
    assertFalse(bad.matches("debug-("));

    assertTrue(policy("debug-.+").unavailabilityCause().isEmpty());
  }
}
