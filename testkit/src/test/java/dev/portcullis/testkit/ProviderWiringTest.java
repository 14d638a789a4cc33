package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelectionException;
import java.io.IOException;
import java.util.Map;
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
      assertEquals(java.util.Optional.empty(), unguarded.guardName());
    }
    try (PortsIsolator isolator =
        PortsIsolator.builder()
            .config(
                IsolatorConfig.fromFlags(
                    Map.of(IsolatorConfig.CONTAINER_PORTS_GUARD, FakePortGuard.NAME)))
            .selectProviders(withGuard)
            .scheduler(new ManualScanScheduler())
            .build()) {
      assertEquals(java.util.Optional.of(FakePortGuard.NAME), isolator.guardName());
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
}
