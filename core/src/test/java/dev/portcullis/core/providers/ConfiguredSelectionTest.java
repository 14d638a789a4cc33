package dev.portcullis.core.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.PortGuard;
import dev.portcullis.api.Provider;
import dev.portcullis.api.SocketSource;
import dev.portcullis.core.config.IsolatorConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Selection as a configuration asks for it: the kind's flag names the provider, or none does. */
class ConfiguredSelectionTest {

  private static final String PROPERTY =
      IsolatorConfig.SYSTEM_PROPERTY_PREFIX + IsolatorConfig.SOCKET_SOURCE;

  private final FakeSocketSource netlink = FakeSocketSource.named("netlink");
  private final FakeSocketSource procfs = FakeSocketSource.named("procfs").order(100);

  private Selection<SocketSource> select(Map<String, String> flags) {
    return ProviderSelector.select(
        SocketSource.class, IsolatorConfig.fromFlags(flags), ProviderLoader.of(netlink, procfs));
  }

  @Test
  void theFlagNamesTheProviderAndItsSettingsReachIt() {
    Selection<SocketSource> selection =
        select(Map.of(IsolatorConfig.SOCKET_SOURCE, " procfs ", "cgroups_root", "agents"));
    assertSame(procfs, selection.provider());
    assertEquals(Optional.of("agents"), procfs.initializedWith.get("cgroups_root"));
    assertSame(netlink, select(Map.of()).provider(), "the best available without a name");
  }

  @Test
  void aFailureOfAProviderAFlagNamedNamesTheFlagAsGiven() {
    ProviderSelectionException failure =
        assertThrows(
            ProviderSelectionException.class,
            () -> select(Map.of(IsolatorConfig.SOCKET_SOURCE, " nope ")));
    assertTrue(
        failure.getMessage().startsWith("Invalid flag --socket_source= nope : "),
        failure.getMessage());
    assertTrue(failure.getMessage().contains("netlink"), failure.getMessage());
    assertEquals(Optional.of(IsolatorConfig.SOCKET_SOURCE), failure.flag());
    assertEquals(SocketSource.class, failure.kind());
    assertEquals(2, failure.considered().size(), "every provider found, still listed");
  }

  @Test
  void aFailureNoFlagChoseIsNoFlagError() {
    netlink.unavailableBecause(new IllegalStateException("no netlink here"));
    procfs.unavailableBecause(new IllegalStateException("no /proc here"));
    ProviderSelectionException failure =
        assertThrows(ProviderSelectionException.class, () -> select(Map.of()));
    assertEquals(Optional.empty(), failure.flag());
    assertFalse(failure.getMessage().startsWith("Invalid flag"), failure.getMessage());
    assertEquals(2, failure.getSuppressed().length, "each cause still travels with it");
  }

  @Test
  void aNameFromTheSystemPropertyIsNoFlagError() {
    String previous = System.getProperty(PROPERTY);
    System.setProperty(PROPERTY, "nope");
    try {
      ProviderSelectionException failure =
          assertThrows(ProviderSelectionException.class, () -> select(Map.of()));
      assertEquals(Optional.empty(), failure.flag());
      assertTrue(failure.getMessage().contains("'nope'"), failure.getMessage());
    } finally {
      if (previous == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, previous);
      }
    }
  }

  @Test
  void aGuardIsSelectedOnlyWhenNamedAndNoOtherKindIsNamedByAFlag() {
    IsolatorConfig config = IsolatorConfig.fromFlags(Map.of());
    ProviderLoader none = ProviderLoader.of();
    IllegalArgumentException noGuard =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProviderSelector.select(PortGuard.class, config, none));
    assertTrue(noGuard.getMessage().contains("--container_ports_guard=none"), noGuard.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ProviderSelector.select(Provider.class, config, none));
  }
}
