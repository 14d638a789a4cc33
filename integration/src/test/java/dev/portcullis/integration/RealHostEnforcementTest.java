package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Violation;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.ScanMode;
import dev.portcullis.core.ScanReport;
import dev.portcullis.core.ScanScheduler;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.integration.RealHost.Stack;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.Listener;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The isolator with every combination of real socket source and real process tracker, against real
 * processes in real cgroups: what is flagged, what is attributed where, what is killed.
 */
@RequiresLinuxRoot
class RealHostEnforcementTest {

  private static final ContainerId TASK = ContainerId.of("task");
  private static final Map<String, String> ENFORCING =
      Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true");

  static Stream<Stack> stacks() {
    return RealHost.stacks().stream();
  }

  /** One listener shape on a given port, and whether UDP must be enabled to see it. */
  record Shape(
      String name, BiFunction<Listener.Builder, Integer, Listener.Builder> open, boolean udp) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Shape> shapes() {
    return List.of(
        new Shape("tcp 127.0.0.1", (b, p) -> b.tcp4("127.0.0.1", p), false),
        new Shape("tcp 0.0.0.0", (b, p) -> b.tcp4("0.0.0.0", p), false),
        new Shape("tcp ::1", (b, p) -> b.tcp6("::1", p, true), false),
        new Shape("tcp [::] dual-stack", (b, p) -> b.tcp6("::", p, false), false),
        new Shape("tcp [::] v6only", (b, p) -> b.tcp6("::", p, true), false),
        new Shape("udp 0.0.0.0", (b, p) -> b.udp4("0.0.0.0", p), true),
        new Shape("udp [::] dual-stack", (b, p) -> b.udp6("::", p, false), true));
  }

  static Stream<Arguments> stacksAndShapes() {
    return RealHost.stacks().stream()
        .flatMap(stack -> shapes().stream().map(shape -> Arguments.of(stack, shape)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("stacksAndShapes")
  void anUnallocatedListenerIsFlaggedWithExactlyItsPort(Stack stack, Shape shape) {
    int allocated = FreePorts.any();
    int stray = FreePorts.any();
    Map<String, String> flags =
        Map.of(IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP, String.valueOf(shape.udp()));
    try (RealHost host = new RealHost(stack, flags)) {
      host.container(TASK, PortRanges.of(allocated));
      host.listenIn(TASK, shape.open().apply(Listener.builder(), allocated));
      ScanReport clean = host.scan();
      assertTrue(clean.violations().isEmpty(), () -> "allocated port flagged: " + clean);
      assertEquals(PortRanges.of(allocated), clean.observation(TASK).orElseThrow().listening());

      Listener listener = host.listenIn(TASK, shape.open().apply(Listener.builder(), stray));
      host.scan();
      ScanReport report = host.scan(); // the second scan takes the fast path where there is one
      assertEquals(stack.fastPath() ? ScanMode.FAST : ScanMode.EXACT, report.mode());
      Violation violation = report.violation(TASK).orElseThrow(() -> new AssertionError(report));
      assertEquals(PortRanges.of(stray), violation.unallocated());
      assertEquals(List.of(listener.pid()), List.copyOf(violation.pids()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void udpIsIgnoredUnlessEnabled(Stack stack) {
    int port = FreePorts.any();
    try (RealHost host = new RealHost(stack, Map.of())) {
      host.container(TASK, PortRanges.empty());
      host.listenIn(TASK, Listener.builder().udp4("0.0.0.0", port));
      assertTrue(host.scan().violations().isEmpty());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void port65535IsAnOrdinaryPort(Stack stack) {
    assumeTrue(FreePorts.isFree(65535), "port 65535 is in use on this host");
    Map<String, String> flags =
        Map.of(IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, "[1024-65535]");
    try (RealHost host = new RealHost(stack, flags)) {
      host.container(TASK, PortRanges.range(1024, 65534));
      host.listenIn(TASK, Listener.builder().tcp6("::", 65535, false));
      Violation violation = host.scan().violation(TASK).orElseThrow();
      assertEquals(PortRanges.of(65535), violation.unallocated());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void aForkedChildsListenerBelongsToItsContainer(Stack stack) {
    int stray = FreePorts.any();
    try (RealHost host = new RealHost(stack, Map.of())) {
      host.container(TASK, PortRanges.empty());
      Listener listener = host.listenIn(TASK, Listener.builder().tcp4("0.0.0.0", stray).forked());
      host.scan();
      Violation violation = host.scan().violation(TASK).orElseThrow();
      assertEquals(PortRanges.of(stray), violation.unallocated());
      assertEquals(List.of(listener.holder()), List.copyOf(violation.pids()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void aNestedContainerIsJudgedByItsRootsAllocationAndItsRootIsLimited(Stack stack)
      throws IOException {
    int allocated = FreePorts.any();
    int forRoot = FreePorts.any();
    int stray = FreePorts.any();
    ContainerId executor = ContainerId.of("executor");
    ContainerId task = executor.child("task");
    try (RealHost host = new RealHost(stack, ENFORCING)) {
      host.container(executor, PortRanges.of(allocated, forRoot));
      host.container(task, PortRanges.empty());
      Listener root = host.listenIn(executor, Listener.builder().tcp4("127.0.0.1", forRoot));
      host.listenIn(task, Listener.builder().tcp4("0.0.0.0", allocated));
      var watch = host.isolator.watch(executor).toCompletableFuture();
      assertTrue(host.scan().violations().isEmpty(), "the root's allocation covers its tree");

      Listener nested = host.listenIn(task, Listener.builder().tcp6("::", stray, false));
      ScanReport report = host.scan();
      assertEquals(task, report.violations().get(0).container());
      ContainerLimitation limitation = watch.join();
      assertEquals(executor, limitation.container());
      assertTrue(limitation.ports().contains(stray));
      assertTrue(host.tracker.pids(executor).isEmpty(), "the tree was not killed whole");
      // Killed is not yet reaped: a zombie is gone for this purpose, as it holds no socket.
      assertFalse(Listener.isRunning(root.pid()), "the root's listener survived");
      assertFalse(Listener.isRunning(nested.pid()), "the nested listener survived");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void theFastAndExactPathsAgree(Stack stack) {
    int allocated = FreePorts.any();
    ContainerId other = ContainerId.of("other");
    ContainerId nested = TASK.child("nested");
    try (RealHost host = new RealHost(stack, Map.of());
        PortsIsolator exact =
            PortsIsolator.builder()
                .config(
                    IsolatorConfig.fromFlags(
                        Map.of(IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, "1")))
                .socketSource(host.source)
                .processTracker(host.tracker)
                .policy(new dev.portcullis.core.policy.MesosPolicy())
                .scheduler((scan, initialDelay, delay) -> () -> {})
                .build()) {
      host.container(TASK, PortRanges.of(allocated));
      host.container(nested, PortRanges.empty());
      host.container(other, PortRanges.empty());
      exact.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(allocated)));
      exact.prepare(nested, ContainerConfig.withPorts(PortRanges.empty()));
      exact.prepare(other, ContainerConfig.withPorts(PortRanges.empty()));
      host.listenIn(
          TASK, Listener.builder().tcp4("0.0.0.0", allocated).tcp6("::1", FreePorts.any(), true));
      host.listenIn(nested, Listener.builder().tcp6("::", FreePorts.any(), false).forked());
      host.listenIn(other, Listener.builder().tcp4("127.0.0.1", FreePorts.any()));
      host.listenOutside(Listener.builder().tcp4("127.0.0.1", FreePorts.any()));

      host.scan();
      ScanReport viaHost = host.scan();
      ScanReport viaExact = exact.reconcileOnce();
      assertEquals(stack.fastPath() ? ScanMode.FAST : ScanMode.EXACT, viaHost.mode());
      assertEquals(ScanMode.EXACT, viaExact.mode());
      assertEquals(viaExact.violations(), viaHost.violations());
      assertEquals(3, viaHost.violations().size());
      assertTrue(viaHost.unconfirmed().isEmpty());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void aSocketCreatedBeforeItsProcessJoinedIsCaughtByTheExactPath(Stack stack) throws IOException {
    int stray = FreePorts.any();
    try (RealHost host = new RealHost(stack, Map.of())) {
      host.container(TASK, PortRanges.empty());
      host.scan(); // scan 1: a full scan of nothing
      Listener early = host.listenOutside(Listener.builder().tcp4("0.0.0.0", stray));
      host.tracker.place(TASK, early.pid());
      ScanReport second = host.scan();
      // The socket carries the cgroup id of where it was made, which is no container's: even
      // where the fast path is open, that unexplained socket makes the scan read descriptors.
      assertEquals(ScanMode.EXACT, second.mode());
      assertEquals(PortRanges.of(stray), second.violation(TASK).orElseThrow().unallocated());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void enforcementKillsAForkingViolatorWithinOneIntervalAndSparesItsNeighbour(Stack stack)
      throws Exception {
    int allocated = FreePorts.any();
    int stray = FreePorts.any();
    ContainerId bad = ContainerId.of("bad");
    ContainerId good = ContainerId.of("good");
    Duration interval = Duration.ofMillis(200);
    Map<String, String> flags =
        Map.of(
            IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true",
            IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, "200ms");
    try (RealHost host = new RealHost(stack, flags);
        PortsIsolator scheduled =
            PortsIsolator.builder()
                .config(host.isolator.config())
                .socketSource(host.source)
                .processTracker(host.tracker)
                .policy(new dev.portcullis.core.policy.MesosPolicy())
                .scheduler(ScanScheduler.singleThread())
                .build()) {
      host.container(bad, PortRanges.empty());
      host.container(good, PortRanges.of(allocated));
      scheduled.prepare(bad, ContainerConfig.withPorts(PortRanges.empty()));
      scheduled.prepare(good, ContainerConfig.withPorts(PortRanges.of(allocated)));
      Listener innocent = host.listenIn(good, Listener.builder().tcp4("0.0.0.0", allocated));
      host.listenIn(bad, Listener.builder().tcp4("0.0.0.0", stray).forkChain());
      assertFalse(host.tracker.pids(bad).isEmpty());

      long started = System.nanoTime();
      scheduled.start();
      ContainerLimitation limitation =
          scheduled
              .watch(bad)
              .toCompletableFuture()
              .get(interval.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertEquals(PortRanges.of(stray), limitation.ports());
      assertTrue(host.tracker.pids(bad).isEmpty(), "a forked process survived the kill");
      assertTrue(Listener.isRunning(innocent.pid()), "the innocent neighbour was killed");
      assertEquals(1, host.tracker.pids(good).size());
      assertTrue(took.compareTo(interval) >= 0, "the first scan ran before one interval: " + took);
      host.tracker.remove(bad);
      assertFalse(host.tracker.exists(bad));
      List<Long> remaining = new ArrayList<>(host.tracker.pids(bad));
      assertTrue(remaining.isEmpty());
    }
  }
}
