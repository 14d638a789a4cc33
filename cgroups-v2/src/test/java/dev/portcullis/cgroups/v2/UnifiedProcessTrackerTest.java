package dev.portcullis.cgroups.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tracker as a provider: identity, registration and settings; runs anywhere. */
class UnifiedProcessTrackerTest {

  @Test
  void isTheCgroupsV2TrackerBeforeV1WithCgroupIds() {
    UnifiedProcessTracker tracker = new UnifiedProcessTracker();
    assertEquals("cgroups-v2", tracker.name());
    assertEquals(100, tracker.order());
    assertTrue(tracker.reportsCgroupIds());
  }

  @Test
  void isRegisteredAsAProcessTrackerService() throws IOException {
    Module module = UnifiedProcessTracker.class.getModule();
    assertTrue(module.isNamed(), "tests run on the module path");
    ModuleDescriptor.Provides provides =
        module.getDescriptor().provides().stream()
            .filter(p -> p.service().equals(ProcessTracker.class.getName()))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of(UnifiedProcessTracker.class.getName()), provides.providers());
    assertTrue(module.getDescriptor().exports().isEmpty(), "the package is not exported");

    try (InputStream services =
        module.getResourceAsStream("META-INF/services/" + ProcessTracker.class.getName())) {
      assertNotNull(services, "AutoService wrote the class-path registration");
      assertEquals(
          UnifiedProcessTracker.class.getName(),
          new String(services.readAllBytes(), StandardCharsets.UTF_8).trim());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "/abs", "../up", "a/../../b", ".", "a/.."})
  void refusesACgroupsRootOutsideItsHierarchy(String root) {
    UnifiedProcessTracker tracker = new UnifiedProcessTracker();
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> tracker.initialize(ProviderSettings.empty().with("cgroups_root", root)));
    assertTrue(error.getMessage().contains("cgroups_root"), error.getMessage());
    assertTrue(error.getMessage().contains("'" + root + "'"), error.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "relative/cgroup"})
  void refusesACgroupsHierarchyThatIsNotAnAbsolutePath(String base) {
    UnifiedProcessTracker tracker = new UnifiedProcessTracker();
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> tracker.initialize(ProviderSettings.empty().with("cgroups_hierarchy", base)));
    assertTrue(error.getMessage().contains("cgroups_hierarchy"), error.getMessage());
  }

  @Test
  void acceptsANestedCgroupsRoot() {
    new UnifiedProcessTracker()
        .initialize(ProviderSettings.empty().with("cgroups_root", "agents/portcullis/"));
  }
}
