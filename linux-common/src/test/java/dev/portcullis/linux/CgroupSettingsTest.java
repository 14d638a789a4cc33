package dev.portcullis.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupSettingsTest {

  @Test
  void theRootIsTheTrackersSettingWithTheApisDefault() {
    assertEquals(
        ProcessTracker.DEFAULT_CGROUPS_ROOT, CgroupSettings.rootName(ProviderSettings.empty()));
    assertEquals(
        "agents",
        CgroupSettings.rootName(
            ProviderSettings.empty().with(ProcessTracker.CGROUPS_ROOT_SETTING, "agents")));
  }

  @Test
  void aValidRootIsNormalized() {
    assertEquals("portcullis", CgroupSettings.checkRootName("portcullis/"));
    assertEquals("a/b", CgroupSettings.checkRootName("a//b"));
    assertEquals("a/b", CgroupSettings.checkRootName("a/./b"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "/abs", "..", "../x", "a/../b", ".", "./"})
  void anInvalidRootNamesTheSetting(String value) {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> CgroupSettings.checkRootName(value));
    assertTrue(
        error.getMessage().startsWith("Setting 'cgroups_root' is invalid: '" + value + "'"),
        error.getMessage());
  }

  @Test
  void theHierarchyBaseIsAnAbsolutePath() {
    assertEquals(Optional.empty(), CgroupSettings.checkHierarchyBase(Optional.empty()));
    assertEquals(
        Optional.of(Path.of("/sys/fs/cgroup")),
        CgroupSettings.checkHierarchyBase(Optional.of("/sys/fs/cgroup/")));
    for (String bad : List.of("", "sys/fs/cgroup")) {
      IllegalArgumentException error =
          assertThrows(
              IllegalArgumentException.class,
              () -> CgroupSettings.checkHierarchyBase(Optional.of(bad)));
      assertTrue(error.getMessage().contains("cgroups_hierarchy"), error.getMessage());
    }
  }
}
