package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The before-kill listener: told of each limitation while the violator still lives, so that its
 * owner can record the limitation before the kill; never able to stop the kill.
 */
class BeforeKillTest {

  private static final ContainerId ROOT = ContainerId.of("executor");
  private static final ContainerId TASK = ROOT.child("task");
  private static final Map<String, String> ENFORCING =
      Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true");

  /** What a listener saw: each limitation, and whether the violator was alive when it was told. */
  private record Notice(ContainerLimitation limitation, boolean violatorAlive) {}

  private static IsolatorHarness harness(
      Map<String, String> flags, HostModel host, Consumer<ContainerLimitation> listener) {
    return IsolatorHarness.builder().host(host).flags(flags).beforeKill(listener).build();
  }

  @Test
  void aScanTellsTheListenerWhileTheViolatorLivesThenKillsAndRaisesTheSameLimitation() {
    HostModel host = new HostModel();
    List<Notice> notices = new ArrayList<>();
    long[] violator = new long[1];
    try (IsolatorHarness harness =
        harness(
            ENFORCING,
            host,
            limitation -> notices.add(new Notice(limitation, host.isAlive(violator[0]))))) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      harness.prepare(TASK, ContainerConfig.builder().build());
      violator[0] = harness.listen(TASK, 31001);
      var watch = harness.isolator().watch(ROOT).toCompletableFuture();
      harness.scan();
      assertEquals(1, notices.size(), notices::toString);
      assertTrue(notices.get(0).violatorAlive(), "told only after the kill");
      assertEquals(watch.join(), notices.get(0).limitation());
      assertEquals(PortRanges.of(31001), notices.get(0).limitation().ports());
      assertFalse(host.isAlive(violator[0]));
    }
  }

  @Test
  void aListenerThatThrowsNeverStopsTheKill() {
    HostModel host = new HostModel();
    try (IsolatorHarness harness =
        harness(
            ENFORCING,
            host,
            limitation -> {
              throw new IllegalStateException("the disk is full");
            })) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      long violator = harness.listen(ROOT, 31001);
      harness.scan();
      assertFalse(host.isAlive(violator));
      harness.events().limitations().of(ROOT).assertCount(1).assertPorts(PortRanges.of(31001));
    }
  }

  @Test
  void withEnforcementOffNobodyIsTold() {
    List<ContainerLimitation> notices = new ArrayList<>();
    try (IsolatorHarness harness = harness(Map.of(), new HostModel(), notices::add)) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      harness.listen(ROOT, 31001);
      harness.scan();
      assertEquals(List.of(), notices);
    }
  }

  @Test
  void aListenerTheGuardStoppedIsAnnouncedBeforeItsRootIsKilled() {
    HostModel host = new HostModel();
    List<Notice> notices = new ArrayList<>();
    long[] sibling = new long[1];
    try (IsolatorHarness harness =
        IsolatorHarness.builder()
            .host(host)
            .flags(ENFORCING)
            .guard(new FakePortGuard.State())
            .beforeKill(limitation -> notices.add(new Notice(limitation, host.isAlive(sibling[0]))))
            .build()) {
      harness.prepare(ROOT, ContainerConfig.withPorts(PortRanges.of(31000)));
      sibling[0] = harness.spawn(ROOT);
      FakePortGuard guard = harness.guard().orElseThrow();
      assertFalse(guard.listenUnbound(ROOT, harness.spawn(ROOT), 40000));
      harness.isolator().checkGuards();
      assertEquals(1, notices.size(), notices::toString);
      assertTrue(notices.get(0).violatorAlive(), "told only after the kill");
      assertEquals(PortRanges.of(40000), notices.get(0).limitation().ports());
      assertEquals(
          notices.get(0).limitation(),
          harness.isolator().watch(ROOT).toCompletableFuture().getNow(null));
      assertFalse(host.isAlive(sibling[0]));
    }
  }
}
