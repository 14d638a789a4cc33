package dev.portcullis.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlagExceptionTest {

  @Test
  void anInvalidValueNamesTheFlagAndQuotesTheValue() {
    FlagException e = FlagException.invalidValue("launcher", "posix", "use linux");
    assertEquals("Invalid flag --launcher=posix: use linux", e.getMessage());
    assertEquals("launcher", e.flag());
    assertEquals(Optional.of("posix"), e.value());
    assertNull(e.getCause());
  }

  @Test
  void keepsTheCause() {
    IllegalArgumentException cause = new IllegalArgumentException("bad");
    assertSame(cause, FlagException.invalidValue("a", "b", "c", cause).getCause());
  }

  @Test
  void aProblemWithoutAValueNamesTheFlag() {
    FlagException e = FlagException.of("x", "conflicts with --y");
    assertEquals("Flag --x: conflicts with --y", e.getMessage());
    assertEquals("x", e.flag());
    assertEquals(Optional.empty(), e.value());
  }

  @Test
  void cutsVeryLongValues() {
    String value = "a".repeat(300);
    assertEquals(
        "Invalid flag --resources=" + "a".repeat(200) + "... (300 characters): too long",
        FlagException.invalidValue("resources", value, "too long").getMessage());
  }
}
