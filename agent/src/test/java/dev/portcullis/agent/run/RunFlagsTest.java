package dev.portcullis.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portcullis.agent.host.SearchPath;
import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.core.config.FlagException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The flags of {@code portcullis run} that choose the task's user, parsed and validated but not
 * run: nothing here starts a task or touches a cgroup.
 */
class RunFlagsTest {

  private static final List<String> COMMAND = List.of("sh", "-c", "id -u");

  private static RunCommand parse(String... flags) {
    RunCommand command = new RunCommand();
    List<String> args = new ArrayList<>(List.of(flags));
    args.add("--");
    args.addAll(COMMAND);
    new CommandLine(command).parseArgs(args.toArray(String[]::new));
    return command;
  }

  private static RunSettings settings(String... flags) {
    return parse(flags).settings();
  }

  private static boolean switching(String... flags) {
    return parse(flags).agent.settings().users().switching();
  }

  @Test
  void byDefaultUsersAreSwitchedToAndTheTaskRunsAsTheAgentsUser() {
    RunSettings settings = settings();
    assertTrue(switching());
    assertEquals(Optional.empty(), settings.user());
    assertEquals(COMMAND, settings.argv());
  }

  @ParameterizedTest
  @CsvSource({
    "--switch_user, true",
    "--switch_user=true, true",
    "--switch_user=TRUE, true",
    "--switch_user=false, false",
    "--no-switch_user, false"
  })
  void switchUserIsAMesosStyleBoolean(String flag, boolean expected) {
    assertEquals(expected, switching(flag));
  }

  @Test
  void aNegatedSwitchUserTakesNoValue() {
    CommandLine.ParameterException error =
        assertThrows(CommandLine.ParameterException.class, () -> settings("--no-switch_user=true"));
    assertTrue(error.getMessage().contains("--no-switch_user takes no value"), error.getMessage());
  }

  @Test
  void aNonBooleanSwitchUserIsAParameterError() {
    assertThrows(CommandLine.ParameterException.class, () -> settings("--switch_user=maybe"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"--task_user=", "--task_user=-root", "--task_user=a b", "--task_user=a:b"})
  void aMalformedTaskUserIsAFlagErrorNamingIt(String flag) {
    FlagException error = assertThrows(FlagException.class, () -> settings(flag));
    assertEquals("task_user", error.flag());
    assertTrue(error.getMessage().startsWith("Invalid flag --task_user="), error.getMessage());
  }

  @Test
  void withSwitchUserOffATaskUserIsIgnoredUnlookedUp() {
    RunSettings settings = settings("--no-switch_user", "--task_user=no-such-user-anywhere");
    assertEquals(Optional.empty(), settings.user());
    assertEquals(COMMAND, settings.argv());
    // Its form is still checked.
    assertThrows(FlagException.class, () -> settings("--no-switch_user", "--task_user=-x"));
  }

  /** Resolved through the host's database: every Linux host has root. */
  @Test
  void aTaskUserRunsTheCommandAsThatUser() {
    assumeTrue(SearchPath.find("getent").isPresent(), "needs getent");
    assumeTrue(SearchPath.find("setpriv").isPresent(), "needs setpriv");
    RunSettings settings = settings("--task_user=root");
    assertEquals(Optional.of(0L), settings.user().map(TaskUser::uid));
    assertEquals(COMMAND, settings.command(), "the command as given, for logs");
    assertEquals(SearchPath.find("setpriv").orElseThrow().toString(), settings.argv().get(0));
    assertTrue(settings.argv().contains("--reuid=0"), settings.argv()::toString);
    List<String> argv = settings.argv();
    assertEquals(COMMAND, argv.subList(argv.size() - COMMAND.size(), argv.size()));
  }

  @Test
  void anUnknownTaskUserIsAFlagErrorNamingTheUser() {
    assumeTrue(SearchPath.find("getent").isPresent(), "needs getent");
    assumeTrue(SearchPath.find("setpriv").isPresent(), "needs setpriv");
    String user = "no-such-user-" + ProcessHandle.current().pid();
    FlagException error = assertThrows(FlagException.class, () -> settings("--task_user=" + user));
    assertEquals(
        "Invalid flag --task_user=" + user + ": no user named " + user + " on the agent's host",
        error.getMessage());
  }
}
