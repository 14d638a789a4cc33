package dev.portcullis.agent.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every check an {@link OciContainer} makes of what a task asks, so that none held is wrong. */
class OciContainerTest {

  private static final Path ROOTFS = Path.of("/srv/images/alpine");

  private static OciContainer withEnv(Map<String, String> env) {
    return new OciContainer(ROOTFS, false, env, Optional.empty(), Optional.empty());
  }

  private static OciContainer withCwd(String cwd) {
    return new OciContainer(ROOTFS, false, Map.of(), Optional.of(cwd), Optional.empty());
  }

  private static OciContainer withHostname(String hostname) {
    return new OciContainer(ROOTFS, false, Map.of(), Optional.empty(), Optional.of(hostname));
  }

  private static IllegalArgumentException refused(Runnable make, String mentioned) {
    IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, make::run);
    assertTrue(refusal.getMessage().contains(mentioned), refusal.getMessage());
    return refusal;
  }

  @Test
  void aValidContainerKeepsWhatItWasGiven() {
    OciContainer container =
        new OciContainer(
            ROOTFS,
            true,
            Map.of("LANG", "C.UTF-8", "A", ""),
            Optional.of("/srv"),
            Optional.of("web-1.example"));
    assertEquals(ROOTFS, container.rootfs());
    assertTrue(container.writable());
    assertEquals(Map.of("LANG", "C.UTF-8", "A", ""), container.env());
    assertEquals(Optional.of("/srv"), container.cwd());
    assertEquals(Optional.of("web-1.example"), container.hostname());
  }

  @Test
  void theEnvIsCopiedAndSortedByName() {
    Map<String, String> given = new HashMap<>();
    given.put("ZED", "1");
    given.put("ALPHA", "2");
    given.put("MIDDLE", "3");
    OciContainer container = withEnv(given);
    given.put("LATER", "4");

    assertEquals(Map.of("ZED", "1", "ALPHA", "2", "MIDDLE", "3"), container.env());
    assertEquals(List.of("ALPHA", "MIDDLE", "ZED"), List.copyOf(container.sortedEnv().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> container.env().put("X", "y"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rootfs", "./rootfs", "srv/images/alpine", ""})
  void aRelativeRootfsIsRefused(String rootfs) {
    refused(
        () ->
            new OciContainer(Path.of(rootfs), false, Map.of(), Optional.empty(), Optional.empty()),
        "rootfs '" + rootfs + "' must be an absolute path");
  }

  @Test
  void nullsAreRefused() {
    assertThrows(
        NullPointerException.class,
        () -> new OciContainer(null, false, Map.of(), Optional.empty(), Optional.empty()));
    assertThrows(
        NullPointerException.class,
        () -> new OciContainer(ROOTFS, false, null, Optional.empty(), Optional.empty()));
    assertThrows(
        NullPointerException.class,
        () -> new OciContainer(ROOTFS, false, Map.of(), null, Optional.empty()));
    assertThrows(
        NullPointerException.class,
        () -> new OciContainer(ROOTFS, false, Map.of(), Optional.empty(), null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"A=B", "=", "=A", "A=", "", "A\u0000B"})
  void aNameThatIsNoVariableNameIsRefused(String name) {
    refused(() -> withEnv(Map.of(name, "value")), "is no variable name");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"PORTCULLIS_", "PORTCULLIS_SANDBOX", "PORTCULLIS_TASK_ID", "PORTCULLIS_X"})
  void theAgentsVariablesAreRefused(String name) {
    refused(() -> withEnv(Map.of(name, "mine")), "no task may set a PORTCULLIS_ variable");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PORTCULLIS", "portcullis_sandbox", "MY_PORTCULLIS_X", "PATH", "HOME"})
  void otherVariablesAreTheTasks(String name) {
    assertEquals(Map.of(name, "v"), withEnv(Map.of(name, "v")).env());
  }

  @Test
  void aValueWithANulIsRefused() {
    refused(() -> withEnv(Map.of("A", "x\u0000y")), "the value of A must not contain NUL");
    // Anything else goes, '=' included.
    assertEquals(Map.of("A", "b=c d\n"), withEnv(Map.of("A", "b=c d\n")).env());
  }

  @ParameterizedTest
  @ValueSource(strings = {"srv", "./srv", "", "~/x", "/srv\u0000/x"})
  void aCwdThatIsNotAnAbsolutePathIsRefused(String cwd) {
    refused(() -> withCwd(cwd), "must be an absolute path inside the container");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/srv", "/mnt/mesos/sandbox/sub dir", "/a/../b"})
  void anAbsoluteCwdIsTaken(String cwd) {
    assertEquals(Optional.of(cwd), withCwd(cwd).cwd());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "web", "web-1", "Web-1.Example.ORG", "1", "a.b.c", "a-", "a."})
  void aHostnameOfLettersDigitsDashesAndDotsIsTaken(String hostname) {
    assertEquals(Optional.of(hostname), withHostname(hostname).hostname());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "-web", ".web", "web_1", "web 1", "web/1", "wéb", "web\u0000", "web\n", "a:b"})
  void anyOtherHostnameIsRefused(String hostname) {
    refused(() -> withHostname(hostname), "hostname '" + hostname + "' must be 1 to 64");
  }

  @Test
  void aHostnameOfAtMost64CharactersIsTaken() {
    String longest = "h".repeat(OciContainer.MAX_HOSTNAME_LENGTH);
    assertEquals(64, longest.length());
    assertEquals(Optional.of(longest), withHostname(longest).hostname());
    refused(() -> withHostname(longest + "h"), "must be 1 to 64");
  }
}
