package dev.portcullis.cgroups.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tracker as a provider: identity, registration and settings; runs anywhere. */
class FreezerProcessTrackerTest {

  @Test
  void isTheCgroupsV1TrackerAfterV2WithoutCgroupIds() throws IOException {
    FreezerProcessTracker tracker = new FreezerProcessTracker();
    assertEquals("cgroups-v1", tracker.name());
    assertEquals(200, tracker.order());
    assertFalse(tracker.reportsCgroupIds());
    assertEquals(Set.of(), tracker.cgroupIds(ContainerId.of("any")));
  }

  @Test
  void isRegisteredAsAProcessTrackerService() throws IOException {
    Module module = FreezerProcessTracker.class.getModule();
    assertTrue(module.isNamed(), "tests run on the module path");
    ModuleDescriptor.Provides provides =
        module.getDescriptor().provides().stream()
            .filter(p -> p.service().equals(ProcessTracker.class.getName()))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of(FreezerProcessTracker.class.getName()), provides.providers());
    assertTrue(module.getDescriptor().exports().isEmpty(), "the package is not exported");

    try (InputStream services =
        module.getResourceAsStream("META-INF/services/" + ProcessTracker.class.getName())) {
      assertNotNull(services, "AutoService wrote the class-path registration");
      assertEquals(
          FreezerProcessTracker.class.getName(),
          new String(services.readAllBytes(), StandardCharsets.UTF_8).trim());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "/abs", "../up", "a/../../b", ".", "a/.."})
  void refusesACgroupsRootOutsideItsHierarchy(String root) {
    FreezerProcessTracker tracker = new FreezerProcessTracker();
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
    FreezerProcessTracker tracker = new FreezerProcessTracker();
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> tracker.initialize(ProviderSettings.empty().with("cgroups_hierarchy", base)));
    assertTrue(error.getMessage().contains("cgroups_hierarchy"), error.getMessage());
  }

  @Test
  void acceptsANestedCgroupsRoot() {
    new FreezerProcessTracker()
        .initialize(ProviderSettings.empty().with("cgroups_root", "agents/portcullis/"));
  }
}
