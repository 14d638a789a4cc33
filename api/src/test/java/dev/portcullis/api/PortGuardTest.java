package dev.portcullis.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The interface's defaults, as a guard written for 0.2 gets them. */
class PortGuardTest {

  /** A guard that implements only what it must. */
  private static final class OldGuard implements PortGuard {
    @Override
    public String name() {
      return "old";
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
      return Optional.empty();
    }

    @Override
    public void install(ContainerId container, BindAllowance allowance) {}

    @Override
    public void update(ContainerId container, BindAllowance allowance) {}

    @Override
    public Optional<GuardState> find(ContainerId container) {
      return Optional.empty();
    }

    @Override
    public void remove(ContainerId container) {}
  }

  @Test
  void aGuardWrittenFor02AdoptsNoCgroupAndSaysWhy() {
    PortGuard guard = new OldGuard();
    assertFalse(guard.adoptsCgroups());
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> guard.adopt(ContainerId.of("web"), "/libpod_parent/libpod-1"));
    assertTrue(e.getMessage().contains("'old'"), e.getMessage());
    assertTrue(e.getMessage().contains("/libpod_parent/libpod-1"), e.getMessage());
  }
}
