package dev.portcullis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the interface itself does: the form of an adopted cgroup's path, and the defaults. */
class ProcessTrackerTest {

  /** A tracker that implements only what it must, as a third-party one written for 0.2 does. */
  private static final class OldTracker implements ProcessTracker {
    @Override
    public String name() {
      return "old";
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
      return Optional.empty();
    }

    @Override
    public boolean reportsCgroupIds() {
      return false;
    }

    @Override
    public Set<Long> cgroupIds(ContainerId container) {
      return Set.of();
    }

    @Override
    public Set<Long> pids(ContainerId container) {
      return Set.of();
    }

    @Override
    public boolean exists(ContainerId container) {
      return false;
    }

    @Override
    public Set<ContainerId> containers() {
      return Set.of();
    }

    @Override
    public void create(ContainerId container) {}

    @Override
    public void place(ContainerId container, long pid) {}

    @Override
    public void kill(ContainerId container) {}

    @Override
    public void remove(ContainerId container) {}
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/libpod_parent/libpod-abc",
        "/kubepods/burstable/pod1234",
        "/a",
        "/with space/and-dots.scope",
        "/...",
        "/.hidden"
      })
  void acceptsANormalizedPathBelowTheRoot(String cgroup) {
    assertSame(cgroup, ProcessTracker.checkCgroupPath(cgroup));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "\"\"|must start with '/'",
        "libpod_parent/libpod-abc|must start with '/'",
        "./a|must start with '/'",
        "/|the root of the hierarchy",
        "//|empty segment",
        "/a//b|empty segment",
        "/a/|empty segment",
        "/./a|'.' segment",
        "/a/.|'.' segment",
        "/a/../b|'..' segment",
        "/..|'..' segment",
      })
  void refusesAnyOtherPathSayingWhy(String cgroup, String why) {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> ProcessTracker.checkCgroupPath(cgroup));
    assertTrue(error.getMessage().contains("'" + cgroup + "'"), error.getMessage());
    assertTrue(error.getMessage().contains(why), error.getMessage());
  }

  @Test
  void refusesControlCharacters() {
    for (String cgroup : new String[] {"/a\nb", "/a\u0000", "/\tx"}) {
      IllegalArgumentException error =
          assertThrows(
              IllegalArgumentException.class, () -> ProcessTracker.checkCgroupPath(cgroup));
      assertTrue(error.getMessage().contains("control characters"), error.getMessage());
    }
    assertThrows(NullPointerException.class, () -> ProcessTracker.checkCgroupPath(null));
  }

  @Test
  void aTrackerThatDoesNotOverrideAdoptionRefusesIt() {
    ProcessTracker tracker = new OldTracker();
    ContainerId container = ContainerId.of("podman");
    assertFalse(tracker.adoptsCgroups());
    UnsupportedOperationException error =
        assertThrows(
            UnsupportedOperationException.class,
            () -> tracker.adopt(container, "/libpod_parent/libpod-abc"));
    assertTrue(error.getMessage().contains("'old'"), error.getMessage());
    assertTrue(
        error.getMessage().contains("cannot follow a cgroup outside its cgroups root"),
        error.getMessage());
    assertTrue(error.getMessage().contains("/libpod_parent/libpod-abc"), error.getMessage());
    assertEquals(Optional.empty(), tracker.adoptedCgroup(container));
  }
}
