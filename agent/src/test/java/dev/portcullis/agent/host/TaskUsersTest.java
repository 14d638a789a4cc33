package dev.portcullis.agent.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which user a task runs as, and how its command is switched to it; no process is started. */
class TaskUsersTest {

  private static final TaskUser NOBODY = new TaskUser("nobody", 65534, 65534);
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  private static final TaskUsers SWITCHING =
      new TaskUsers(
          true,
          user -> user.equals("nobody") ? Optional.of(NOBODY) : Optional.empty(),
          Optional.of(SETPRIV));

  @Test
  void aTaskWithAUserRunsItsCommandThroughSetprivWithNoCapabilities() {
    assertEquals(
        List.of(
            SETPRIV.toString(),
            "--reuid=65534",
            "--regid=65534",
            "--init-groups",
            "--inh-caps=-all",
            "--ambient-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--",
            "sh",
            "-c",
            "id -u"),
        SWITCHING.command(Optional.of(NOBODY), List.of("sh", "-c", "id -u")));
  }

  @Test
  void aTaskWithoutAUserRunsItsCommandAsGiven() {
    List<String> command = List.of("--not-an-option-to-anyone", "x");
    assertEquals(command, SWITCHING.command(Optional.empty(), command));
  }

  @Test
  void theUsersNameIsThePasswdEntrysNotTheOneAskedFor() {
    TaskUsers byUid =
        new TaskUsers(
            true,
            user -> user.equals("65534") ? Optional.of(NOBODY) : Optional.empty(),
            Optional.of(SETPRIV));
    assertEquals(Optional.of(NOBODY), byUid.resolve("65534", "t"));
  }

  @Test
  void anUnknownUserIsAProblemNamingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SWITCHING.resolve("nemo", "t"));
    assertEquals("no user named nemo on the agent's host", e.getMessage());
  }

  @Test
  void switchingIsOnlyWhatTheFlagSays() {
    assertTrue(SWITCHING.switching());
    TaskUsers off = new TaskUsers(false, user -> Optional.empty(), Optional.empty());
    assertFalse(off.switching());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nobody", "www-data", "_apt", "user@example.com", "DOMAIN\\user", "1000"})
  void ordinaryNamesAreWellFormed(String name) {
    assertEquals(Optional.empty(), TaskUser.problemWithName(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-u", "+1", "a b", "a\tb", "a:b", "a\u0000b", "a\u001bb", "a\u2028b"})
  void namesThatCannotBeUsersAreNot(String name) {
    assertTrue(TaskUser.problemWithName(name).isPresent(), name);
  }

  @Test
  void onlyDigitsAreAUid() {
    assertTrue(TaskUser.isNumeric("0"));
    assertTrue(TaskUser.isNumeric("0065534"));
    assertFalse(TaskUser.isNumeric("0x10"));
    assertFalse(TaskUser.isNumeric("1e3"));
    assertFalse(TaskUser.isNumeric(""));
    assertFalse(TaskUser.isNumeric("\u0661\u0662"), "other scripts' digits are no uid");
  }

  @Test
  void idsMustFitAUidT() {
    new TaskUser("top", TaskUser.MAX_ID, TaskUser.MAX_ID);
    assertThrows(IllegalArgumentException.class, () -> new TaskUser("x", TaskUser.MAX_ID + 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new TaskUser("x", 0, -1));
    assertThrows(IllegalArgumentException.class, () -> new TaskUser("-x", 0, 0));
  }
}
