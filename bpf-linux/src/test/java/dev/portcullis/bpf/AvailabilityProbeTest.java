package dev.portcullis.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.linux.CgroupSettings;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The probe really loads and attaches a guard, and leaves nothing of it behind. */
@RequiresLinuxRoot
class AvailabilityProbeTest {

  @Test
  void theGuardIsAvailableHereAndTheProbeLeavesNothingBehind() throws Exception {
    try (ScratchCgroups scratch = new ScratchCgroups()) {
      Map<Integer, String> programsBefore = KernelObjects.programs();
      Map<Integer, String> mapsBefore = KernelObjects.maps();

      BpfPortGuard guard = new BpfPortGuard();
      guard.initialize(
          ProviderSettings.empty().with(ProcessTracker.CGROUPS_ROOT_SETTING, scratch.name()));
      Optional<Throwable> cause = guard.unavailabilityCause();

      assertEquals(Optional.empty(), cause.map(Throwable::toString));
      Path root = scratch.v2().orElseThrow();
      try (Stream<Path> left = Files.list(root)) {
        List<Path> dirs = left.filter(Files::isDirectory).collect(Collectors.toList());
        assertEquals(List.of(), dirs, "the probe's scratch cgroup is gone");
      }
      assertTrue(
          KernelObjects.eventually(
              () -> newOnes(KernelObjects.programs(), programsBefore).isEmpty()),
          () -> "programs left: " + newOnesUnchecked(true, programsBefore));
      assertTrue(
          KernelObjects.eventually(() -> newOnes(KernelObjects.maps(), mapsBefore).isEmpty()),
          () -> "maps left: " + newOnesUnchecked(false, mapsBefore));
    }
  }

  @Test
  void elsewhereThanLinuxTheCauseSaysSo() {
    String os = System.getProperty("os.name");
    System.setProperty("os.name", "Mac OS X");
    try {
      BpfPortGuard guard = new BpfPortGuard();
      Throwable cause = guard.unavailabilityCause().orElseThrow();
      assertTrue(cause.getMessage().contains("only on Linux, not on Mac OS X"), cause.toString());
      assertFalse(guard.isAvailable());
      assertFalse(guard.stopsUnboundListeners());
      IOException install =
          assertThrows(
              IOException.class,
              () -> guard.install(ContainerId.of("executor"), BindAllowance.any()));
      assertTrue(install.getMessage().contains("unavailable"), install.getMessage());
    } finally {
      System.setProperty("os.name", os);
    }
  }

  @Test
  void aHierarchyThatIsNotThereIsTheCause() {
    BpfPortGuard guard = new BpfPortGuard();
    guard.initialize(
        ProviderSettings.empty().with(CgroupSettings.HIERARCHY_SETTING, "/nonexistent-cgroups"));
    Throwable cause = guard.unavailabilityCause().orElseThrow();
    assertTrue(cause.getMessage().contains("/nonexistent-cgroups"), cause.toString());
  }

  /** Objects of ours that were not there before. */
  private static Map<Integer, String> newOnes(
      Map<Integer, String> now, Map<Integer, String> before) {
    return now.entrySet().stream()
        .filter(e -> !before.containsKey(e.getKey()) && e.getValue().startsWith("pc_"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static Map<Integer, String> newOnesUnchecked(
      boolean programs, Map<Integer, String> before) {
    try {
      return newOnes(programs ? KernelObjects.programs() : KernelObjects.maps(), before);
    } catch (Exception e) {
      return Map.of(-1, e.toString());
    }
  }
}
