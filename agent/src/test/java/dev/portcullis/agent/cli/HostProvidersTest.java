package dev.portcullis.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.SocketSource;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelectionException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Selection failures through the agent's one entry point, over the providers on the module path.
 * The cgroup hierarchy named does not exist, so no probe makes anything on the host.
 */
class HostProvidersTest {

  private static final String NO_HIERARCHY = "--cgroups_hierarchy=/nonexistent-cgroups";

  @Test
  void aProviderAFlagNamedFailsNamingTheFlagOnOneLine() {
    StartupException failure =
        assertThrows(
            StartupException.class,
            () ->
                HostProviders.select(FlagsCommand.settings(NO_HIERARCHY, "--socket_source=nope")));
    assertTrue(
        failure.getMessage().startsWith("Invalid flag --socket_source=nope: "),
        failure.getMessage());
    assertTrue(failure.getMessage().contains("'nope'"), failure.getMessage());
    assertFalse(failure.getMessage().contains("\n"), failure.getMessage());
    ProviderSelectionException cause =
        assertInstanceOf(ProviderSelectionException.class, failure.getCause());
    assertEquals(SocketSource.class, cause.kind());
    // The socket source failed before the tracker, whose probe would create the cgroups root.
    assertFalse(cause.considered().isEmpty());
  }

  @Test
  void withoutThePortsIsolatorTheTrackerIsStillSelectedAlone() {
    StartupException failure =
        assertThrows(
            StartupException.class,
            () ->
                HostProviders.select(
                    FlagsCommand.settings(
                        NO_HIERARCHY, "--isolation=filesystem/posix", "--process_tracker=nope")));
    assertTrue(
        failure.getMessage().startsWith("Invalid flag --process_tracker=nope: "),
        failure.getMessage());
    ProviderSelectionException cause = (ProviderSelectionException) failure.getCause();
    assertEquals(ProcessTracker.class, cause.kind());
    assertEquals(Optional.of("process_tracker"), cause.flag());
  }

  @Test
  void aKindNoFlagNamedFailsWithoutAFlagsName() {
    StartupException failure =
        assertThrows(
            StartupException.class,
            () ->
                HostProviders.one(
                    ProcessTracker.class,
                    FlagsCommand.settings(NO_HIERARCHY).config(),
                    ProviderLoader.serviceLoader()));
    assertFalse(failure.getMessage().startsWith("Invalid flag"), failure.getMessage());
    assertTrue(failure.getMessage().contains("/nonexistent-cgroups"), failure.getMessage());
  }
}
