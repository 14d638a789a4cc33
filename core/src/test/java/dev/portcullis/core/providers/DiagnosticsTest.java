package dev.portcullis.core.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.SocketSource;
import org.junit.jupiter.api.Test;

class DiagnosticsTest {

  @Test
  void kindsAreNamedInWordsFromTheirInterface() {
    assertEquals("socket source", Diagnostics.label(SocketSource.class));
    assertEquals("process tracker", Diagnostics.label(ProcessTracker.class));
    assertEquals("enforcement policy", Diagnostics.label(EnforcementPolicy.class));
    assertEquals("http server", Diagnostics.label(HTTPServer.class));
  }

  private interface HTTPServer {}

  @Test
  void aCauseChainIsToldWithoutLoopingForever() {
    IllegalStateException outer = new IllegalStateException("outer");
    IllegalStateException inner = new IllegalStateException("inner", outer);
    outer.initCause(inner);

    assertEquals(
        "IllegalStateException: outer; caused by IllegalStateException: inner",
        Causes.describe(outer));
  }
}
