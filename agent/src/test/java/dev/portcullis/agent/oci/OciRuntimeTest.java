package dev.portcullis.agent.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI runtime as the agent drives it: the check before a launch, the argv that runs a bundle,
 * and the deletes after a container's processes are gone, against a runtime that is a script.
 */
class OciRuntimeTest {

  @TempDir Path temp;

  @AfterEach
  void removeLinks() throws IOException {
    Links.removeAll(temp);
  }

  private static Path executable(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static OciContainer container(Path rootfs, Map<String, String> env) {
    return new OciContainer(rootfs, false, env, Optional.empty(), Optional.empty());
  }

  private static IllegalArgumentException refused(OciContainer container, List<String> command) {
    return assertThrows(IllegalArgumentException.class, () -> OciRuntime.check(container, command));
  }

  @Nested
  class Check {

    private Path rootfs;

    @BeforeEach
    void makeRootfs() throws IOException {
      rootfs = Files.createDirectory(temp.resolve("rootfs"));
      executable(rootfs.resolve("bin/busybox"), "");
      Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("/bin/busybox"));
    }

    @Test
    void aRootfsHoldingTheProgramPasses() {
      OciRuntime.check(container(rootfs, Map.of()), List.of("sh", "-c", "true"));
      OciRuntime.check(container(rootfs, Map.of()), List.of("/bin/sh"));
      OciRuntime.check(container(rootfs, Map.of()), List.of("/bin/busybox", "httpd"));
    }

    @Test
    void aMissingRootfsIsRefused() {
      Path missing = temp.resolve("no-such-rootfs");
      IllegalArgumentException refusal = refused(container(missing, Map.of()), List.of("sh"));
      assertEquals(
          "rootfs " + missing + " does not exist on the agent's host", refusal.getMessage());
    }

    @Test
    void aRootfsThatIsAFileIsRefused() throws IOException {
      Path file = Files.writeString(temp.resolve("rootfs.tar"), "not a directory");
      IllegalArgumentException refusal = refused(container(file, Map.of()), List.of("sh"));
      assertEquals("rootfs " + file + " is not a directory", refusal.getMessage());
    }

    @Test
    void aRelativeProgramPathIsRefused() {
      // The runtime would look for it from the working directory, not the root.
      IllegalArgumentException e =
          refused(container(rootfs, Map.of()), List.of("bin/busybox", "sh"));
      assertTrue(e.getMessage().contains("bin/busybox is a relative path"), e.getMessage());
    }

    @Test
    void aMissingProgramIsRefusedWithTheSearchPath() {
      IllegalArgumentException refusal = refused(container(rootfs, Map.of()), List.of("httpd"));
      assertEquals(
          "the root filesystem "
              + rootfs
              + " holds no executable httpd on the container's PATH "
              + RootfsPaths.DEFAULT_PATH,
          refusal.getMessage());
    }

    @Test
    void aMissingProgramPathIsRefusedWithoutASearchPath() {
      IllegalArgumentException refusal =
          refused(container(rootfs, Map.of()), List.of("/usr/sbin/httpd", "-f"));
      assertEquals(
          "the root filesystem " + rootfs + " holds no executable /usr/sbin/httpd",
          refusal.getMessage());
    }

    /** The host has /bin/true; the root filesystem's links are followed inside it only. */
    @Test
    void aProgramOnlyTheHostHasIsRefused() throws IOException {
      assertTrue(Files.isExecutable(Path.of("/bin/true")), "the host has /bin/true");
      Files.createSymbolicLink(rootfs.resolve("bin/true"), Path.of("/usr/bin/true"));
      refused(container(rootfs, Map.of()), List.of("true"));
      refused(container(rootfs, Map.of()), List.of("/bin/true"));
    }

    @Test
    void theProgramIsLookedForOnThePathTheContainerGives() throws IOException {
      executable(rootfs.resolve("opt/app/bin/serve"), "");
      refused(container(rootfs, Map.of()), List.of("serve"));

      OciRuntime.check(container(rootfs, Map.of("PATH", "/opt/app/bin")), List.of("serve"));

      IllegalArgumentException refusal =
          refused(container(rootfs, Map.of("PATH", "/opt/app/bin")), List.of("sh"));
      assertTrue(
          refusal
              .getMessage()
              .endsWith("holds no executable sh on the container's PATH /opt/app/bin"),
          refusal.getMessage());
    }

    @Test
    void aProgramThatIsNotExecutableIsRefused() throws IOException {
      Files.writeString(rootfs.resolve("bin/script"), "echo hi\n");
      refused(container(rootfs, Map.of()), List.of("script"));
      refused(container(rootfs, Map.of()), List.of("/bin/script"));
    }
  }

  @Test
  void theRunCommandRunsTheBundleInTheForegroundAsTheContainer() {
    OciRuntime runtime = new OciRuntime(Path.of("/usr/sbin/runc"), Path.of("/run/portcullis/runc"));
    assertEquals(
        List.of(
            "/usr/sbin/runc",
            "--root",
            "/run/portcullis/runc",
            "run",
            "--bundle",
            "/var/lib/sandboxes/e1/web.oci",
            "e1.web"),
        runtime.runCommand(Path.of("/var/lib/sandboxes/e1/web.oci"), "e1.web"));
    assertEquals(Path.of("/usr/sbin/runc"), runtime.executable());
    assertEquals(Path.of("/run/portcullis/runc"), runtime.stateRoot());
  }

  @Nested
  class DeleteWithin {

    private Path root;
    private Path log;

    @BeforeEach
    void paths() {
      root = temp.resolve("state");
      log = temp.resolve("runtime.log");
    }

    /**
     * A runtime that logs its arguments and deletes {@code <root>/<id>}, as {@code runc --root ROOT
     * delete --force ID} does, exiting with {@code status}; with {@code keep}, it deletes nothing.
     */
    private OciRuntime runtime(int status, boolean keep) throws IOException {
      Path program =
          executable(
              temp.resolve("bin/fake-runc"),
              "#!/bin/sh\n"
                  + "printf '%s\\n' \"$*\" >> '"
                  + log
                  + "'\n"
                  + (keep ? "" : "rm -rf \"$2/$5\"\n")
                  + "echo 'container state is broken' >&2\n"
                  + "exit "
                  + status
                  + "\n");
      return new OciRuntime(program, root);
    }

    private OciRuntime runtime() throws IOException {
      return runtime(0, false);
    }

    private void containers(String... ids) throws IOException {
      for (String id : ids) {
        Files.createDirectories(root.resolve(id));
        Files.writeString(root.resolve(id).resolve("state.json"), "{}");
      }
    }

    private List<String> logged() throws IOException {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static String delete(Path root, String id) {
      return "--root " + root + " delete --force " + id;
    }

    @Test
    void theContainerAndThoseNestedInItAreDeletedAndNoOther() throws IOException {
      containers("web", "web.a", "web.a.b", "webx", "web-2", "other", "other.web", "xweb");
      runtime().deleteWithin("web");

      assertEquals(
          List.of(delete(root, "web"), delete(root, "web.a"), delete(root, "web.a.b")), logged());
      for (String gone : List.of("web", "web.a", "web.a.b")) {
        assertFalse(Files.exists(root.resolve(gone)), gone);
      }
      for (String kept : List.of("webx", "web-2", "other", "other.web", "xweb")) {
        assertTrue(Files.exists(root.resolve(kept)), kept);
      }
    }

    @Test
    void onlyNestedOnesAreDeletedWhenTheContainerHasNoneOfItsOwn() throws IOException {
      containers("web.a", "web.b");
      runtime().deleteWithin("web");
      assertEquals(List.of(delete(root, "web.a"), delete(root, "web.b")), logged());
    }

    @Test
    void aNestedContainerIsDeletedAloneWithItsOwnNestedOnes() throws IOException {
      containers("web", "web.a", "web.a.x", "web.ab");
      runtime().deleteWithin("web.a");
      assertEquals(List.of(delete(root, "web.a"), delete(root, "web.a.x")), logged());
    }

    @Test
    void withoutAStateRootTheRuntimeIsNotRun() throws IOException {
      assertFalse(Files.exists(root));
      runtime().deleteWithin("web");
      assertEquals(List.of(), logged());
      assertFalse(Files.exists(log));
    }

    @Test
    void withNoContainerOfThatNameTheRuntimeIsNotRun() throws IOException {
      containers("webx", "other");
      runtime().deleteWithin("web");
      assertEquals(List.of(), logged());
    }

    @Test
    void aFailedDeleteIsReportedAfterTheOthersAreTried() throws IOException {
      containers("web", "web.a");
      IOException failure =
          assertThrows(IOException.class, () -> runtime(1, true).deleteWithin("web"));

      assertEquals(List.of(delete(root, "web"), delete(root, "web.a")), logged());
      assertTrue(failure.getMessage().contains("delete --force web exited 1"), failure::getMessage);
      assertTrue(failure.getMessage().contains("container state is broken"), failure::getMessage);
      assertEquals(1, failure.getSuppressed().length);
      assertTrue(
          failure.getSuppressed()[0].getMessage().contains("delete --force web.a exited 1"),
          failure.getSuppressed()[0]::getMessage);
    }

    /** runc exits 1 for a container it does not know: its state being gone is what counts. */
    @Test
    void aDeleteThatFailsButLeavesNoStateIsNoFailure() throws IOException {
      containers("web");
      runtime(1, false).deleteWithin("web");
      assertEquals(List.of(delete(root, "web")), logged());
      assertFalse(Files.exists(root.resolve("web")));
    }
  }
}
