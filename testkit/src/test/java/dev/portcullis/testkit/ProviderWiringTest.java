package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.PortsIsolatorBuilder;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelectionException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An isolator assembled from providers found at run time: the built-in policies through
 * ServiceLoader on the module path, the fake host providers handed in.
 */
class ProviderWiringTest {

  private static final ContainerId TASK = ContainerId.of("task");

  private final HostModel host = new HostModel();
  private final FakeProcessTracker tracker = new FakeProcessTracker(host);
  private final ProviderLoader loader =
      ProviderLoader.concat(
          ProviderLoader.of(new FakeSocketSource(host, true), tracker),
          ProviderLoader.serviceLoader());

  private int scansUntilKilled(Map<String, String> flags) throws IOException {
    try (PortsIsolator isolator =
        PortsIsolator.builder()
            .config(IsolatorConfig.fromFlags(flags))
            .selectProviders(loader)
            .scheduler(new ManualScanScheduler())
            .build()) {
      tracker.create(TASK);
      isolator.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      host.listen(host.spawn(tracker.cgroupOf(TASK)), 81);
      for (int scan = 1; scan <= 5; scan++) {
        if (!isolator.reconcileOnce().limitations().isEmpty()) {
          return scan;
        }
      }
      return -1;
    }
  }

  @Test
  void theMesosPolicyIsTheDefault() throws IOException {
    assertEquals(1, scansUntilKilled(Map.of(IsolatorConfig.ENFORCE_CONTAINER_PORTS, "true")));
  }

  @Test
  void theGracePolicyIsSelectedByNameAndReadsItsSetting() throws IOException {
    assertEquals(
        2,
        scansUntilKilled(
            Map.of(
                IsolatorConfig.ENFORCE_CONTAINER_PORTS,
                "true",
                IsolatorConfig.CONTAINER_PORTS_POLICY,
                "grace",
                "container_ports_grace_scans",
                "2")));
  }

  @Test
  void anUnknownProviderNameFailsListingWhatWasFound() {
    IsolatorConfig config =
        IsolatorConfig.fromFlags(Map.of(IsolatorConfig.SOCKET_SOURCE, "netlink"));
    ProviderSelectionException failure =
        assertThrows(
            ProviderSelectionException.class,
            () -> PortsIsolator.builder().config(config).selectProviders(loader));
    assertTrue(failure.getMessage().contains("netlink"), failure.getMessage());
    assertTrue(failure.getMessage().contains("testkit"), failure.getMessage());
  }

  @Test
  void aBadPolicySettingMakesThePolicyUnavailableWithTheReason() {
    IsolatorConfig config =
        IsolatorConfig.fromFlags(
            Map.of(
                IsolatorConfig.CONTAINER_PORTS_POLICY,
                "grace",
                "container_ports_grace_scans",
                "0"));
    ProviderSelectionException failure =
        assertThrows(
            ProviderSelectionException.class,
            () -> PortsIsolator.builder().config(config).selectProviders(loader));
    assertTrue(failure.getMessage().contains("container_ports_grace_scans"), failure.getMessage());
  }

  @Test
  void aGuardIsSelectedOnlyWhenNamedAndThenInstalledAtPrepare() throws IOException {
    FakePortGuard guard = new FakePortGuard(host, tracker);
    ProviderLoader withGuard = ProviderLoader.concat(loader, ProviderLoader.of(guard));
    try (PortsIsolator unguarded =
        PortsIsolator.builder()
            .config(IsolatorConfig.fromFlags(Map.of()))
            .selectProviders(withGuard)
            .scheduler(new ManualScanScheduler())
            .build()) {
      assertEquals(Optional.empty(), unguarded.guardName());
    }
    try (PortsIsolator isolator =
        PortsIsolator.builder()
            .config(
                IsolatorConfig.fromFlags(
                    Map.of(IsolatorConfig.CONTAINER_PORTS_GUARD, FakePortGuard.NAME)))
            .selectProviders(withGuard)
            .scheduler(new ManualScanScheduler())
            .build()) {
      assertEquals(Optional.of(FakePortGuard.NAME), isolator.guardName());
      tracker.create(TASK);
      isolator.prepare(TASK, ContainerConfig.withPorts(PortRanges.of(80)));
      assertTrue(guard.guards().containsKey(TASK));
    }
  }

  @Test
  void aNamedGuardThatIsNotFoundFailsTheSelection() {
    ProviderSelectionException error =
        assertThrows(
            ProviderSelectionException.class,
            () ->
                PortsIsolator.builder()
                    .config(
                        IsolatorConfig.fromFlags(
                            Map.of(IsolatorConfig.CONTAINER_PORTS_GUARD, "bpf")))
                    .selectProviders(loader));
    assertTrue(error.getMessage().contains("bpf"), error.getMessage());
  }

  @Test
  void theTrackerIsSelectedAfterTheOthersAndEveryChoiceCanBeReadBack() {
    RecordingTracker last = new RecordingTracker(tracker);
    ProviderLoader withLast =
        ProviderLoader.concat(
            ProviderLoader.of(new FakeSocketSource(host, true), last),
            ProviderLoader.serviceLoader());
    // A bad policy name fails before the tracker's probe, which may create cgroups, has run.
    IsolatorConfig badPolicy =
        IsolatorConfig.fromFlags(Map.of(IsolatorConfig.CONTAINER_PORTS_POLICY, "nope"));
    ProviderSelectionException failure =
        assertThrows(
            ProviderSelectionException.class,
            () -> PortsIsolator.builder().config(badPolicy).selectProviders(withLast));
    assertEquals(Optional.of(IsolatorConfig.CONTAINER_PORTS_POLICY), failure.flag());
    assertEquals(EnforcementPolicy.class, failure.kind());
    assertTrue(
        failure.getMessage().startsWith("Invalid flag --container_ports_policy=nope: "),
        failure.getMessage());
    assertEquals(0, last.probes, "the tracker was probed");

    PortsIsolatorBuilder builder =
        PortsIsolator.builder()
            .config(IsolatorConfig.fromFlags(Map.of()))
            .selectProviders(withLast);
    assertSame(last, builder.processTracker().orElseThrow());
    assertEquals(FakeSocketSource.NAME, builder.socketSource().orElseThrow().name());
    assertEquals("mesos", builder.policy().orElseThrow().name());
    assertEquals(Optional.empty(), builder.portGuard());
    assertEquals(1, last.probes);
  }

  /** A tracker that comes first and counts its probes. */
  private static final class RecordingTracker extends ForwardingTracker {
    int probes;

    RecordingTracker(FakeProcessTracker delegate) {
      super(delegate);
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public int order() {
      return -1;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
      probes++;
      return super.unavailabilityCause();
    }
  }
}
