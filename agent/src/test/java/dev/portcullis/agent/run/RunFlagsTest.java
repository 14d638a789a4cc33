package dev.portcullis.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portcullis.agent.host.SearchPath;
import dev.portcullis.agent.host.TaskUser;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.agent.oci.OciRuntime;
import dev.portcullis.core.config.FlagException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The flags of {@code portcullis run} that choose the task's user and its container, parsed and
 * validated but not run: nothing here starts a task or touches a cgroup.
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

  /** {@code --task_rootfs} and its companions, with a runtime that is a script never run here. */
  @Nested
  class Containers {

    @TempDir Path temp;

    private Path rootfs;
    private Path runtime;

    @BeforeEach
    void makeRootfsAndRuntime() throws IOException {
      rootfs = Files.createDirectories(temp.resolve("rootfs/bin")).getParent();
      executable(rootfs.resolve("bin/sh"));
      runtime = executable(temp.resolve("fake-runc"));
    }

    private Path executable(Path file) throws IOException {
      Files.writeString(file, "#!/bin/sh\nexit 0\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      return file;
    }

    /** The flags with this test's runtime, so that the host's runc plays no part. */
    private RunSettings contained(String... flags) {
      List<String> all = new ArrayList<>(List.of("--oci_runtime=" + runtime));
      all.addAll(List.of(flags));
      return settings(all.toArray(String[]::new));
    }

    private FlagException refused(String flag, String... flags) {
      FlagException error = assertThrows(FlagException.class, () -> contained(flags));
      assertEquals(flag, error.flag(), error.getMessage());
      return error;
    }

    @Test
    void aRootfsRunsTheTaskInAReadOnlyContainer() {
      RunSettings settings = contained("--task_rootfs=" + rootfs);
      assertEquals(
          Optional.of(
              new OciContainer(rootfs, false, Map.of(), Optional.empty(), Optional.empty())),
          settings.oci());
      OciRuntime oci = settings.agent().oci().orElseThrow();
      assertEquals(runtime, oci.executable());
      assertEquals(OciRuntime.DEFAULT_STATE_ROOT, oci.stateRoot());
      assertEquals(COMMAND, settings.command());
    }

    @Test
    void everyCompanionIsTaken() {
      RunSettings settings =
          contained(
              "--task_rootfs=" + rootfs,
              "--task_rootfs_writable",
              "--task_env=LANG=C.UTF-8",
              "--task_env=OPTS=a=b c",
              "--task_env=EMPTY=",
              "--task_cwd=/srv",
              "--task_hostname=box-1");
      assertEquals(
          Optional.of(
              new OciContainer(
                  rootfs,
                  true,
                  Map.of("LANG", "C.UTF-8", "OPTS", "a=b c", "EMPTY", ""),
                  Optional.of("/srv"),
                  Optional.of("box-1"))),
          settings.oci());
    }

    @ParameterizedTest
    @CsvSource({
      "--task_rootfs_writable, true",
      "--task_rootfs_writable=true, true",
      "--task_rootfs_writable=false, false",
      "--no-task_rootfs_writable, false"
    })
    void writableIsAMesosStyleBoolean(String flag, boolean expected) {
      assertEquals(expected, contained("--task_rootfs=" + rootfs, flag).oci().get().writable());
    }

    @Test
    void withoutARootfsTheTaskRunsOnTheHost() {
      assertEquals(Optional.empty(), contained().oci());
    }

    @ParameterizedTest
    @CsvSource({
      "--task_rootfs_writable, task_rootfs_writable",
      "--task_env=A=1, task_env",
      "--task_cwd=/srv, task_cwd",
      "--task_hostname=box, task_hostname"
    })
    void aCompanionWithoutARootfsIsRefused(String flag, String name) {
      FlagException error = refused(name, flag);
      assertTrue(error.getMessage().contains("give --task_rootfs"), error.getMessage());
    }

    @Test
    void aRootfsNeedsTheLinuxLauncher() {
      FlagException error =
          refused(
              "task_rootfs",
              "--isolation=filesystem/posix",
              "--launcher=posix",
              "--task_rootfs=" + rootfs);
      assertTrue(error.getMessage().contains("needs --launcher=linux"), error.getMessage());
    }

    @Test
    void aRootfsCannotJoinNetworks() {
      FlagException error =
          refused("task_rootfs", "--task_rootfs=" + rootfs, "--task_networks=a,b");
      assertTrue(error.getMessage().contains("--task_networks"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--task_env=NOVALUE", "--task_env==x", "--task_env="})
    void aVariableThatIsNotNameEqualsValueIsRefused(String flag) {
      FlagException error = refused("task_env", "--task_rootfs=" + rootfs, flag);
      assertTrue(error.getMessage().endsWith(": must be NAME=VALUE"), error.getMessage());
    }

    @Test
    void aVariableGivenTwiceIsRefused() {
      FlagException error =
          refused("task_env", "--task_rootfs=" + rootfs, "--task_env=A=1", "--task_env=A=2");
      assertTrue(error.getMessage().contains("sets A twice"), error.getMessage());
    }

    @Test
    void anAgentsVariableIsRefused() {
      FlagException error =
          refused("task_env", "--task_rootfs=" + rootfs, "--task_env=PORTCULLIS_TASK_ID=x");
      assertTrue(error.getMessage().contains("PORTCULLIS_"), error.getMessage());
    }

    @Test
    void aRootfsWithoutTheProgramIsRefused() throws IOException {
      Files.delete(rootfs.resolve("bin/sh"));
      FlagException error = refused("task_rootfs", "--task_rootfs=" + rootfs);
      assertEquals(
          "Invalid flag --task_rootfs="
              + rootfs
              + ": the root filesystem "
              + rootfs
              + " holds no executable sh on the container's PATH "
              + "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          error.getMessage());
    }

    @Test
    void theProgramIsLookedForOnTheTasksPath() throws IOException {
      refused("task_rootfs", "--task_rootfs=" + rootfs, "--task_env=PATH=/usr/bin");
      Files.createDirectories(rootfs.resolve("usr/bin"));
      executable(rootfs.resolve("usr/bin/sh"));
      assertEquals(
          Map.of("PATH", "/usr/bin"),
          contained("--task_rootfs=" + rootfs, "--task_env=PATH=/usr/bin").oci().get().env());
    }

    @Test
    void aMissingOrRelativeRootfsIsRefused() {
      FlagException missing = refused("task_rootfs", "--task_rootfs=" + temp.resolve("gone"));
      assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
      FlagException relative = refused("task_rootfs", "--task_rootfs=rootfs");
      assertTrue(relative.getMessage().contains("absolute path"), relative.getMessage());
    }

    @Test
    void aBadCwdOrHostnameIsRefused() {
      FlagException cwd = refused("task_cwd", "--task_rootfs=" + rootfs, "--task_cwd=srv");
      assertTrue(cwd.getMessage().contains("cwd 'srv'"), cwd.getMessage());
      FlagException hostname =
          refused("task_hostname", "--task_rootfs=" + rootfs, "--task_hostname=-box");
      assertTrue(hostname.getMessage().contains("hostname '-box'"), hostname.getMessage());
    }

    @Test
    void aRuntimeThatIsNoProgramIsRefused() {
      FlagException error =
          assertThrows(
              FlagException.class,
              () ->
                  settings("--oci_runtime=" + temp.resolve("no-runc"), "--task_rootfs=" + rootfs));
      assertEquals("oci_runtime", error.flag());
    }
  }
}
